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
 * @param subscriptionLinger how long the node keeps a long-poll client's subscriptions after a
 *                           poll; its connection slot is held as long (see {@link LongPollLeases})
 */
public record TransportSettings(String bind, int port, int maxMessageBytes, Duration heartbeat,
                                Duration authTimeout, String tokenCookie, boolean queryToken,
                                Set<String> allowedOrigins, int outboundQueueBytes, Duration sseRetry,
                                Duration subscriptionLinger) {
    /** docs/protocol.md §4: the longest a long-poll request is held, below common proxies' 60 s read timeout. */
    public static final Duration LONG_POLL_MAX_HOLD = Duration.ofSeconds(55);
    /*
     * The defaults of the settings above, in one place: the server's configuration reads them
     * from here (docs/configuration.md repeats them for readers).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(25);
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_TOKEN_COOKIE = "rtgw_token";
    public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SUBSCRIPTION_LINGER = Duration.ofSeconds(70);

    public TransportSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(tokenCookie, "tokenCookie");
        Objects.requireNonNull(sseRetry, "sseRetry");
        Objects.requireNonNull(subscriptionLinger, "subscriptionLinger");
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
        }
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: >= 1s)");
        }
    }

    public static TransportSettings defaults(String bind, int port) {
        return new TransportSettings(bind, port, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_HEARTBEAT, DEFAULT_AUTH_TIMEOUT,
                DEFAULT_TOKEN_COOKIE, false, Set.of(), DEFAULT_OUTBOUND_QUEUE_BYTES, DEFAULT_SSE_RETRY,
                DEFAULT_SUBSCRIPTION_LINGER);
    }

    public TransportSettings withHeartbeat(Duration beat) {
        return new TransportSettings(bind, port, maxMessageBytes, beat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, outboundQueueBytes, sseRetry, subscriptionLinger);
    }

    public TransportSettings withMaxMessageBytes(int max) {
        return new TransportSettings(bind, port, max, heartbeat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, outboundQueueBytes, sseRetry, subscriptionLinger);
    }

    public TransportSettings withOutboundQueueBytes(int bytes) {
        return new TransportSettings(bind, port, maxMessageBytes, heartbeat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, bytes, sseRetry, subscriptionLinger);
    }

    public TransportSettings withSubscriptionLinger(Duration linger) {
        return new TransportSettings(bind, port, maxMessageBytes, heartbeat, authTimeout, tokenCookie, queryToken,
                allowedOrigins, outboundQueueBytes, sseRetry, linger);
    }
}
