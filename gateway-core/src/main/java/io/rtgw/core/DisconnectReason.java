package io.rtgw.core;

/**
 * Why a connection ends: the WebSocket close code, the reason string of docs/protocol.md §4.6 (also the
 * {@code reason} label of the close metrics) and whether a client should reconnect by itself.
 */
public enum DisconnectReason {
    /** The client closed, or the server ended the stream with nothing wrong. */
    NORMAL(1000, "normal", true),
    BINARY_FRAME(1003, "bad_request", false),
    INVALID_JSON(1007, "invalid_json", false),
    TOO_LARGE(1009, "too_large", false),
    INTERNAL(1011, "internal", true),
    SHUTDOWN(1012, "shutdown", true),
    /** The broker could not be reached in time (a long-poll that could not start answers 503). */
    UNAVAILABLE(1013, "unavailable", true),
    TOKEN_EXPIRED(4001, "token_expired", true),
    NO_PONG(4002, "no_pong", true),
    LIFETIME(4003, "lifetime", true),
    SLOW_CONSUMER(4008, "slow_consumer", true),
    LIMIT_REACHED(4009, "limit_reached", true),
    /** The app ended the connection through the server API and wants the client back (docs/protocol.md §7). */
    DISCONNECTED_RECONNECT(4010, "disconnected", true),
    RATE_LIMITED(4029, "rate_limited", true),
    BAD_REQUEST(4400, "bad_request", false),
    UNAUTHORIZED(4401, "unauthorized", false),
    FORBIDDEN(4403, "forbidden", false),
    /** The app ended the connection through the server API; the client waits for a new token. */
    DISCONNECTED(4410, "disconnected", false),
    /** The app revoked the connection's token (docs/protocol.md §7). */
    REVOKED(4410, "revoked", false);

    private final int closeCode;
    private final String reason;
    private final boolean reconnect;

    DisconnectReason(int closeCode, String reason, boolean reconnect) {
        this.closeCode = closeCode;
        this.reason = reason;
        this.reconnect = reconnect;
    }

    public int closeCode() {
        return closeCode;
    }

    public String reason() {
        return reason;
    }

    public boolean reconnect() {
        return reconnect;
    }
}
