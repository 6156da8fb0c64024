package io.rtgw.core.control;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.auth.Authenticator;
import io.rtgw.core.hooks.ConnectHook;
import java.util.concurrent.CompletableFuture;

/**
 * Refuses revoked tokens wherever a token is verified: at connect and at refresh
 * (docs/protocol.md §7). Counted as {@code invalid} in {@code rtgw_auth_failures_total}; the
 * client sees the reason {@code revoked}.
 */
public final class RevocationCheck implements Authenticator {
    public static final String REVOKED_MESSAGE = "token revoked";
    public static final String NOT_LOADED_MESSAGE = "revocations not loaded yet; try again";
    private final Authenticator tokens;
    private final RevocationSet revocations;

    public RevocationCheck(Authenticator tokens, RevocationSet revocations) {
        this.tokens = tokens;
        this.revocations = revocations;
    }

    @Override
    public CompletableFuture<ClientIdentity> authenticate(String token) {
        return checked(tokens.authenticate(token), revocations);
    }

    /**
     * The connect hook's admissions pass the same set (docs/protocol.md §11): nobody is admitted
     * before the set is loaded, and an admission counts as issued now, so a user revocation ends
     * the connections admitted before it while the app goes on deciding about new ones.
     */
    public static ConnectHook guard(ConnectHook hook, RevocationSet revocations) {
        return request -> checked(hook.admit(request), revocations);
    }

    private static CompletableFuture<ClientIdentity> checked(CompletableFuture<ClientIdentity> verified,
                                                             RevocationSet revocations) {
        if (verified.isDone() && !verified.isCompletedExceptionally()) {
            // the usual case, a verdict at once: no second future
            return !revocations.loaded() ? notLoaded() : revocations.revoked(verified.join()) ? refused() : verified;
        }
        // the refusal is passed on unwrapped, as Authenticator promises
        CompletableFuture<ClientIdentity> out = new CompletableFuture<>();
        verified.whenComplete((identity, error) -> {
            if (error != null) {
                out.completeExceptionally(error);
            } else if (!revocations.loaded()) {
                out.completeExceptionally(notLoadedError());
            } else if (revocations.revoked(identity)) {
                out.completeExceptionally(revokedError());
            } else {
                out.complete(identity);
            }
        });
        return out;
    }

    private static CompletableFuture<ClientIdentity> refused() {
        return CompletableFuture.failedFuture(revokedError());
    }

    /** A token that verifies is refused as temporary, never admitted unchecked; a bad one is still refused as bad. */
    private static CompletableFuture<ClientIdentity> notLoaded() {
        return CompletableFuture.failedFuture(notLoadedError());
    }

    private static AuthenticationException notLoadedError() {
        return new AuthenticationException(AuthFailure.UNAVAILABLE, NOT_LOADED_MESSAGE);
    }

    private static AuthenticationException revokedError() {
        return new AuthenticationException(AuthFailure.REVOKED, REVOKED_MESSAGE);
    }
}
