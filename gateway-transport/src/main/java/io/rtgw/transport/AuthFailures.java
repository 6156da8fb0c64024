package io.rtgw.transport;

import io.rtgw.core.DisconnectReason;
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

    /**
     * How a WebSocket refused at connect is closed (docs/protocol.md §3, §7): an expired token
     * 4001, a revoked one 4410 {@code revoked}, one that cannot be checked yet 1013
     * {@code unavailable} (the client retries), anything else 4401.
     */
    static DisconnectReason closeFor(AuthFailure failure) {
        return switch (failure) {
            case EXPIRED -> DisconnectReason.TOKEN_EXPIRED;
            case REVOKED -> DisconnectReason.REVOKED;
            case UNAVAILABLE -> DisconnectReason.UNAVAILABLE;
            default -> DisconnectReason.UNAUTHORIZED;
        };
    }
}
