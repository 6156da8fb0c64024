package io.rtgw.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Limits that keep one client, user, tenant or address from hurting the others. For counts and
 * rates 0 means unlimited. Connection counts are per node.
 *
 * @param commandRate      client commands and protocol pings per second per connection (flooding closes 4029)
 * @param commandBurst     commands allowed at once (a reconnect resubscribes everything at once)
 * @param publishRate      client publishes per second per connection (excess gets {@code rate_limited} errors)
 * @param connectRatePerIp new connections per second per client address
 * @param trustedProxy     peers whose {@code X-Forwarded-For} is believed
 * @param handshakeTimeout every request, the first and each later one on a keep-alive connection,
 *                         must arrive complete within this of its first byte (the first: of the accept)
 * @param idleTimeout      a keep-alive connection with no request under way is closed after this
 * @param maxSockets       open sockets of the public listener, sessions or not; past it a new socket
 *                         is closed at once (0: derived from the file limit, see {@link SocketCap})
 */
public record AbuseLimits(int maxConnections, int maxPerTenant, int maxPerUser, double commandRate,
                          double commandBurst, double publishRate, double connectRatePerIp,
                          Predicate<InetAddress> trustedProxy, Duration handshakeTimeout, Duration idleTimeout,
                          int maxSockets) {
    /** The default of {@code handshakeTimeout}; the server's configuration reads it from here. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** docs/protocol.md §4: the default of {@code RTGW_IDLE_TIMEOUT}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final AbuseLimits NONE = new AbuseLimits(0, 0, 0, 0, 0, 0, 0, a -> false, DEFAULT_HANDSHAKE_TIMEOUT);

    public AbuseLimits {
        Objects.requireNonNull(trustedProxy, "trustedProxy");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxSockets < 0) {
            throw new IllegalArgumentException("maxSockets: " + maxSockets + " (expected: >= 0)");
        }
    }

    /** With the default idle timeout and the socket cap derived from the file limit. */
    public AbuseLimits(int maxConnections, int maxPerTenant, int maxPerUser, double commandRate,
                       double commandBurst, double publishRate, double connectRatePerIp,
                       Predicate<InetAddress> trustedProxy, Duration handshakeTimeout) {
        this(maxConnections, maxPerTenant, maxPerUser, commandRate, commandBurst, publishRate, connectRatePerIp,
                trustedProxy, handshakeTimeout, DEFAULT_IDLE_TIMEOUT, 0);
    }

    public AbuseLimits withIdleTimeout(Duration idle) {
        return new AbuseLimits(maxConnections, maxPerTenant, maxPerUser, commandRate, commandBurst, publishRate,
                connectRatePerIp, trustedProxy, handshakeTimeout, idle, maxSockets);
    }

    public AbuseLimits withMaxSockets(int max) {
        return new AbuseLimits(maxConnections, maxPerTenant, maxPerUser, commandRate, commandBurst, publishRate,
                connectRatePerIp, trustedProxy, handshakeTimeout, idleTimeout, max);
    }

    /** The socket cap in force: {@code maxSockets}, or the one {@link SocketCap} derives from the file limit. */
    public int socketCap() {
        return maxSockets > 0 ? maxSockets : SocketCap.fromFileLimit();
    }
}
