package io.rtgw.server.config;

/**
 * Per-node limits that protect the gateway from one client, user, tenant or address. For every
 * count and rate here 0 means unlimited, except {@code maxSubscriptions}, which is always bounded
 * because each subscription costs memory on every publication.
 *
 * @param clientPublishRate WebSocket publishes per second per connection
 * @param commandRate       client commands per second per connection, with bursts of {@link #commandBurst()}
 * @param connectRatePerIp  new connections per second per client IP (after trusted-proxy resolution)
 * @param handshakeTimeout  how long a new TCP connection may take to send a complete request
 */
public record LimitSettings(int maxConnections, int maxConnectionsPerTenant, int maxConnectionsPerUser,
        int maxSubscriptions, double clientPublishRate, double commandRate, double connectRatePerIp,
        java.time.Duration handshakeTimeout) {
    private static final String COUNT = "a whole number, 0 = unlimited";

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
                r.duration(Setting.HANDSHAKE_TIMEOUT, io.rtgw.transport.AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT, java.time.Duration.ofMillis(100)));
    }

    private static int count(SettingReader r, Setting s) {
        return r.integer(s, 0, 0, Integer.MAX_VALUE, COUNT);
    }
}
