package io.rtgw.transport;

import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.util.concurrent.CompletionException;

/** Reads an authentication failure out of a failed future. */
final class AuthFailures {
    private AuthFailures() {
    }

    static AuthenticationException of(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof AuthenticationException a ? a : new AuthenticationException(AuthFailure.INVALID, "token refused");
    }
}
