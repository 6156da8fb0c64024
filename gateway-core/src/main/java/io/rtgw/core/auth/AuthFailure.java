package io.rtgw.core.auth;

/** Why a token or request was refused; {@link #label()} is the metric label of docs/protocol.md §8. */
public enum AuthFailure {
    MISSING, INVALID, EXPIRED, OVERSIZED, FORBIDDEN, ORIGIN, TIMEOUT,
    /** The app revoked the token (docs/protocol.md §7); the client is told {@code revoked}. */
    REVOKED,
    /**
     * The token could not be checked yet (the node has not loaded the revocation set): refused as
     * temporary, never admitted unchecked (docs/protocol.md §7).
     */
    UNAVAILABLE;

    public String label() {
        // the metric's label values are a fixed list (§8): a revoked token is an invalid one there,
        // and a token that could not be checked in time counts as a timeout
        return switch (this) {
            case REVOKED -> "invalid";
            case UNAVAILABLE -> "timeout";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
