package io.rtgw.core.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * What the embedded broker may hold, so that publishing alone cannot run the node out of memory.
 *
 * @param maxChannels      channels held at once (each costs a few hundred bytes even when quiet);
 *                         a publish that would create one more is refused
 * @param maxRetainedBytes estimated bytes of history and idempotency keys held at once; a publish
 *                         that would go beyond is refused
 * @param idleChannel      how long a channel with no subscriber, no history and no idempotency key
 *                         keeps its position after its last publish or unsubscribe before it is
 *                         dropped (a resume from a dropped channel's id is a gap)
 */
public record EmbeddedLimits(int maxChannels, long maxRetainedBytes, Duration idleChannel) {
    public static final int DEFAULT_MAX_CHANNELS = 250_000;
    public static final long DEFAULT_MAX_RETAINED_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_CHANNEL = Duration.ofMinutes(1);
    public static final EmbeddedLimits DEFAULT =
            new EmbeddedLimits(DEFAULT_MAX_CHANNELS, DEFAULT_MAX_RETAINED_BYTES, DEFAULT_IDLE_CHANNEL);

    public EmbeddedLimits {
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels: " + maxChannels + " (expected: >= 1)");
        }
        if (maxRetainedBytes < 1) {
            throw new IllegalArgumentException("maxRetainedBytes: " + maxRetainedBytes + " (expected: >= 1)");
        }
        Objects.requireNonNull(idleChannel, "idleChannel");
        if (idleChannel.isNegative()) {
            throw new IllegalArgumentException("idleChannel: " + idleChannel + " (expected: >= 0)");
        }
    }
}
