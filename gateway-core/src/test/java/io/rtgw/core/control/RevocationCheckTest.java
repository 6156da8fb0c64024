package io.rtgw.core.control;

import static io.rtgw.core.control.RevocationTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.auth.Authenticator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Every verified token passes the revocation set; before it is loaded nobody is admitted unchecked. */
class RevocationCheckTest {
    private final RevocationSet set = new RevocationSet(Duration.ofHours(24), Duration.ofSeconds(30), Clock.systemUTC());
    private final ClientIdentity alice = token("acme", "alice", 0, "j1");
    private final ClientIdentity bob = token("acme", "bob", 0, "j2");

    private static AuthFailure failure(CompletableFuture<ClientIdentity> result) {
        try {
            result.join();
            return null;
        } catch (CompletionException e) {
            return ((AuthenticationException) e.getCause()).failure();
        }
    }

    /** Verifies "alice" and "bob" at once, "later-alice" asynchronously, and refuses anything else as invalid. */
    private final CompletableFuture<ClientIdentity> laterAlice = new CompletableFuture<>();
    private final Authenticator tokens = t -> switch (t) {
        case "alice" -> CompletableFuture.completedFuture(alice);
        case "bob" -> CompletableFuture.completedFuture(bob);
        case "later-alice" -> laterAlice;
        default -> CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "bad"));
    };
    private final RevocationCheck check = new RevocationCheck(tokens, set);

    @Test
    void beforeTheSetIsLoadedAGoodTokenIsRefusedAsTemporaryAndABadOneStillAsBad() {
        assertThat(failure(check.authenticate("alice"))).isEqualTo(AuthFailure.UNAVAILABLE);
        assertThat(failure(check.authenticate("forged"))).isEqualTo(AuthFailure.INVALID);
        CompletableFuture<ClientIdentity> pending = check.authenticate("later-alice");
        laterAlice.complete(alice);
        assertThat(failure(pending)).isEqualTo(AuthFailure.UNAVAILABLE);
    }

    @Test
    void onceLoadedRevokedTokensAreRefusedAndOthersPass() {
        set.replaceAll(List.of(Revocation.ofToken("acme", "j1", Long.MAX_VALUE / 2)));
        assertThat(failure(check.authenticate("alice"))).isEqualTo(AuthFailure.REVOKED);
        assertThat(check.authenticate("bob").join()).isEqualTo(bob);
        CompletableFuture<ClientIdentity> pending = check.authenticate("later-alice");
        assertThat(pending).isNotDone();
        laterAlice.complete(alice);
        assertThat(failure(pending)).isEqualTo(AuthFailure.REVOKED);
        assertThat(AuthFailure.REVOKED.label()).as("the metric's fixed label list").isEqualTo("invalid");
    }
}
