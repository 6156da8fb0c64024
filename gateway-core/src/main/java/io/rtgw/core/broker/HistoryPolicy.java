package io.rtgw.core.broker;

import java.time.Duration;
import java.util.Objects;

/** How much of a channel's past is kept for catch-up: at most {@code size} messages, none older than {@code ttl}. */
public record HistoryPolicy(int size, Duration ttl) {
    public static final HistoryPolicy DEFAULT = new HistoryPolicy(100, Duration.ofMinutes(10));

    public HistoryPolicy {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }
}
