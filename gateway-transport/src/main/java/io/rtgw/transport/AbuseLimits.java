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
 * @param handshakeTimeout a new connection must send a complete request within this
 */
public record AbuseLimits(int maxConnections, int maxPerTenant, int maxPerUser, double commandRate,
                          double commandBurst, double publishRate, double connectRatePerIp,
                          Predicate<InetAddress> trustedProxy, Duration handshakeTimeout) {
    /** The default of {@code handshakeTimeout}; the server's configuration reads it from here. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final AbuseLimits NONE = new AbuseLimits(0, 0, 0, 0, 0, 0, 0, a -> false, DEFAULT_HANDSHAKE_TIMEOUT);

    public AbuseLimits {
        Objects.requireNonNull(trustedProxy, "trustedProxy");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }
}
