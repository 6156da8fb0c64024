package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class AuthenticationAssert {
    private AuthenticationAssert() {
    }

    /** Waits (bounded) for the outcome and checks it is a refusal of the given kind. */
    static AuthenticationException refusedAs(CompletableFuture<ClientIdentity> f, AuthFailure expected) {
        Throwable[] seen = new Throwable[1];
        try {
            f.handle((v, e) -> seen[0] = e).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no outcome within 10 s", e);
        }
        assertThat(seen[0]).isInstanceOf(AuthenticationException.class);
        AuthenticationException refusal = (AuthenticationException) seen[0];
        assertThat(refusal.failure()).isEqualTo(expected);
        return refusal;
    }
}
