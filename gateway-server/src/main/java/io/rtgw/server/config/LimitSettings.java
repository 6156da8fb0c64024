package io.rtgw.server.config;

/**
 * Per-node limits that protect the gateway from one client, user, tenant or address. For every
 * count and rate here 0 means unlimited, except {@code maxSubscriptions}, which is always bounded
 * because each subscription costs memory on every publication.
 *
 * @param clientPublishRate WebSocket publishes per second per connection
 * @param commandRate       client commands per second per connection, with bursts of {@link #commandBurst()}
 * @param connectRatePerIp  new connections per second per client IP (after trusted-proxy resolution)
 * @param handshakeTimeout  how long each request, on a new or a keep-alive connection, may take to arrive
 * @param idleTimeout       how long a keep-alive connection may wait between requests
 * @param maxSockets        open sockets of the public listener; 0 = the file limit minus a reserve
 */
public record LimitSettings(int maxConnections, int maxConnectionsPerTenant, int maxConnectionsPerUser,
        int maxSubscriptions, double clientPublishRate, double commandRate, double connectRatePerIp,
        java.time.Duration handshakeTimeout, java.time.Duration idleTimeout, int maxSockets) {
    private static final String COUNT = "a whole number, 0 = unlimited";

    /** With the default idle timeout and socket cap. */
    public LimitSettings(int maxConnections, int maxConnectionsPerTenant, int maxConnectionsPerUser,
            int maxSubscriptions, double clientPublishRate, double commandRate, double connectRatePerIp,
            java.time.Duration handshakeTimeout) {
        this(maxConnections, maxConnectionsPerTenant, maxConnectionsPerUser, maxSubscriptions, clientPublishRate,
                commandRate, connectRatePerIp, handshakeTimeout, io.rtgw.transport.AbuseLimits.DEFAULT_IDLE_TIMEOUT, 0);
    }

    /** A reconnecting client replays its subscriptions at once; twice the rate absorbs that without a limit hit. */
    public double commandBurst() {
        return commandRate * 2;
    }

    static LimitSettings from(SettingReader r) {
        return new LimitSettings(
                count(r, Setting.MAX_CONNECTIONS),
                count(r, Setting.MAX_CONNECTIONS_PER_TENANT),
                count(r, Setting.MAX_CONNECTIONS_PER_USER),
                r.integer(Setting.MAX_SUBSCRIPTIONS, io.rtgw.core.SessionSettings.DEFAULT_MAX_SUBSCRIPTIONS, 1, 1_000_000,
                        "a whole number from 1 to 1000000, like 128"),
                r.rate(Setting.CLIENT_PUBLISH_RATE, 10),
                r.rate(Setting.COMMAND_RATE, 100),
                r.rate(Setting.CONNECT_RATE_PER_IP, 0),
                r.duration(Setting.HANDSHAKE_TIMEOUT, io.rtgw.transport.AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT, java.time.Duration.ofMillis(100)),
                r.duration(Setting.IDLE_TIMEOUT, io.rtgw.transport.AbuseLimits.DEFAULT_IDLE_TIMEOUT, java.time.Duration.ofMillis(100)),
                r.integer(Setting.MAX_SOCKETS, 0, 0, Integer.MAX_VALUE,
                        "a whole number, 0 = the file limit minus a reserve"));
    }

    private static int count(SettingReader r, Setting s) {
        return r.integer(s, 0, 0, Integer.MAX_VALUE, COUNT);
    }
}
