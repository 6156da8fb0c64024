package io.rtgw.transport;

import java.util.Set;

/** What docs/protocol.md allows the public listener to answer, whatever it was sent. */
final class DocumentedAnswers {
    /** docs/protocol.md §4.6: every {@code error.code}, close {@code reason} and HTTP {@code error}. */
    static final Set<String> REASONS = Set.of("normal", "bad_request", "invalid_json", "too_large", "unauthorized",
            "forbidden", "not_found", "token_expired", "slow_consumer", "limit_reached", "rate_limited", "no_pong",
            "lifetime", "shutdown", "internal", "unavailable", "disconnected", "revoked");
    /** docs/protocol.md §4.2, close codes. */
    static final Set<Integer> CLOSE_CODES = Set.of(1000, 1003, 1007, 1009, 1011, 1012, 4001, 4002, 4003,
            4008, 4009, 4010, 4029, 4400, 4401, 4403, 4410);
    /** docs/protocol.md §4.2, server → client. */
    static final Set<String> SERVER_TYPES = Set.of("welcome", "subscribed", "message", "gap", "unsubscribed", "ack",
            "presence", "error", "ping", "expiring", "refreshed");
    /** docs/protocol.md §4.3 refusals and the header limit of §4. */
    static final Set<Integer> SSE_STATUSES = Set.of(200, 400, 401, 403, 431, 503);
    /** docs/protocol.md §4.4 refusals (the per-IP connect rate answers 429 here). */
    static final Set<Integer> POLL_STATUSES = Set.of(200, 400, 401, 403, 429, 431, 503);
    /**
     * Answers that hostile input must never cause: they mean the server failed, not the request.
     * 1011/internal are documented for real server faults, so the fuzzer treats them as crashes.
     */
    static final int CRASH_CLOSE = 1011;
    static final String CRASH_REASON = "internal";

    private DocumentedAnswers() {
    }
}
