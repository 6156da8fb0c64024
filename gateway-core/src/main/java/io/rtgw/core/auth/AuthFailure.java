package io.rtgw.core.auth;

/** Why a token or request was refused; {@link #label()} is the metric label of docs/protocol.md §8. */
public enum AuthFailure {
    MISSING, INVALID, EXPIRED, OVERSIZED, FORBIDDEN, ORIGIN, TIMEOUT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
