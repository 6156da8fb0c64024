package io.rtgw.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the public listener needs to know.
 *
 * @param maxMessageBytes    largest client frame (WebSocket) accepted
 * @param heartbeat          interval of pings on streaming transports
 * @param authTimeout        how long a WebSocket without a token may stay silent before its auth message
 * @param tokenCookie        cookie carrying the token
 * @param queryToken         whether {@code ?token=} is accepted (off by default: URLs end up in logs)
 * @param allowedOrigins     browser origins allowed; empty = no Origin check
 * @param outboundQueueBytes bytes queued to one connection before it is closed as a slow consumer
 * @param sseRetry           the normal {@code retry:} of SSE streams
 */
public record TransportSettings(String bind, int port, int maxMessageBytes, Duration heartbeat,
                                Duration authTimeout, String tokenCookie, boolean queryToken,
                                Set<String> allowedOrigins, int outboundQueueBytes, Duration sseRetry) {
    public static final int MAX_TOKEN_BYTES = 8 * 1024;

    public TransportSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(tokenCookie, "tokenCookie");
        Objects.requireNonNull(sseRetry, "sseRetry");
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
        }
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: >= 1s)");
        }
    }

    public static TransportSettings defaults(String bind, int port) {
        return new TransportSettings(bind, port, 64 * 1024, Duration.ofSeconds(25), Duration.ofSeconds(5),
                "rtgw_token", false, Set.of(), 1024 * 1024, Duration.ofSeconds(2));
    }

    public TransportSettings withHeartbeat(Duration beat) {
        return new TransportSettings(bind, port, maxMessageBytes, beat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, outboundQueueBytes, sseRetry);
    }

    public TransportSettings withMaxMessageBytes(int max) {
        return new TransportSettings(bind, port, max, heartbeat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, outboundQueueBytes, sseRetry);
    }

    public TransportSettings withOutboundQueueBytes(int bytes) {
        return new TransportSettings(bind, port, maxMessageBytes, heartbeat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, bytes, sseRetry);
    }
}
