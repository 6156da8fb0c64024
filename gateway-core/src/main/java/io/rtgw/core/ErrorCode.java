package io.rtgw.core;

/**
 * The {@code error.code} strings of docs/protocol.md §4, and the one place that decides which of
 * them are {@code temporary}: the same command may succeed later, so a client retries it with
 * backoff instead of giving up.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", false),
    INVALID_JSON("invalid_json", false),
    TOO_LARGE("too_large", false),
    UNAUTHORIZED("unauthorized", false),
    FORBIDDEN("forbidden", false),
    NOT_FOUND("not_found", false),
    TOKEN_EXPIRED("token_expired", false),
    LIMIT_REACHED("limit_reached", false),
    /** The app revoked the token (docs/protocol.md §7): it will never be accepted again. */
    REVOKED("revoked", false),
    /** Sending the same command later, slower, works. */
    RATE_LIMITED("rate_limited", true),
    /** Something failed on the server side that is not the command's fault. */
    INTERNAL("internal", true),
    /** The broker or a hook cannot be reached right now. */
    UNAVAILABLE("unavailable", true);

    private final String code;
    private final boolean temporary;

    ErrorCode(String code, boolean temporary) {
        this.code = code;
        this.temporary = temporary;
    }

    /** The string on the wire. */
    public String code() {
        return code;
    }

    public boolean temporary() {
        return temporary;
    }
}
