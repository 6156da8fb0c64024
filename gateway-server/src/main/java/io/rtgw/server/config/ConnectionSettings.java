package io.rtgw.server.config;

import io.rtgw.core.SessionSettings;
import io.rtgw.transport.TransportSettings;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one client connection behaves. The defaults are those of {@link TransportSettings} and
 * {@link SessionSettings}, which these settings become.
 *
 * @param heartbeat          ping interval on streaming transports (at least 1s)
 * @param authTimeout        how long an unauthenticated WebSocket may wait for its first {@code auth} message
 * @param expiringLead       how long before token expiry the {@code expiring} warning is sent (0 = never)
 * @param maxLifetime        longest any connection may live, then it is closed {@code lifetime}; 0 = unlimited
 * @param tokenCookie        cookie the token is read from
 * @param queryToken         whether {@code ?token=} is accepted (tokens in URLs leak into logs and history)
 * @param maxMessage         largest client frame and publish body, in bytes
 * @param outboundQueue      bytes queued to one connection before it is closed {@code slow_consumer}
 * @param subscriptionLinger how long a long-poll client's subscriptions outlive its last poll
 */
public record ConnectionSettings(Duration heartbeat, Duration authTimeout, Duration expiringLead,
        Duration maxLifetime, boolean personalChannel, String tokenCookie, boolean queryToken,
        int maxMessage, int outboundQueue, Duration subscriptionLinger) {
    /** A linger shorter than the longest long-poll hold would drop live subscriptions between polls. */
    static final Duration MIN_SUBSCRIPTION_LINGER = TransportSettings.LONG_POLL_MAX_HOLD;
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

    public boolean unlimitedLifetime() {
        return maxLifetime.isZero();
    }

    static ConnectionSettings from(SettingReader r) {
        Duration heartbeat = r.duration(Setting.HEARTBEAT, TransportSettings.DEFAULT_HEARTBEAT, Duration.ofSeconds(1));
        Duration authTimeout = r.duration(Setting.AUTH_TIMEOUT, TransportSettings.DEFAULT_AUTH_TIMEOUT,
                Duration.ofMillis(100));
        Duration lead = r.duration(Setting.EXPIRING_LEAD, SessionSettings.DEFAULT_EXPIRING_LEAD, Duration.ZERO);
        Duration lifetime = r.duration(Setting.MAX_LIFETIME, SessionSettings.DEFAULT_MAX_LIFETIME, Duration.ZERO);
        String cookie = r.string(Setting.TOKEN_COOKIE, TransportSettings.DEFAULT_TOKEN_COOKIE);
        if (!COOKIE_NAME.matcher(cookie).matches()) {
            throw SettingReader.invalid(r.raw(Setting.TOKEN_COOKIE), "is not a cookie name",
                    "letters, digits and !#$%&'*+-.^_`|~, like rtgw_token");
        }
        // Netty frame limits are ints; 64MiB is already far beyond a sane real-time message.
        int maxMessage = (int) r.size(Setting.MAX_MESSAGE, TransportSettings.DEFAULT_MAX_MESSAGE_BYTES, 1024, 64L << 20);
        int queue = (int) r.size(Setting.OUTBOUND_QUEUE, TransportSettings.DEFAULT_OUTBOUND_QUEUE_BYTES, 1024, 1L << 30);
        if (queue < maxMessage) {
            // Otherwise a single largest-allowed message would close the connection as a slow consumer.
            throw SettingReader.invalid(r.isSet(Setting.OUTBOUND_QUEUE) ? r.raw(Setting.OUTBOUND_QUEUE) : r.raw(Setting.MAX_MESSAGE),
                    "makes the outbound queue (" + Formats.formatSize(queue) + ") smaller than max_message ("
                            + Formats.formatSize(maxMessage) + ")", "outbound_queue at least as large as max_message");
        }
        Duration linger = r.duration(Setting.SUBSCRIPTION_LINGER, TransportSettings.DEFAULT_SUBSCRIPTION_LINGER,
                Duration.ZERO);
        if (linger.compareTo(MIN_SUBSCRIPTION_LINGER) <= 0) {
            throw SettingReader.invalid(r.raw(Setting.SUBSCRIPTION_LINGER), "is too short",
                    "a duration over 55s (the longest a long-poll request is held), like 70s");
        }
        return new ConnectionSettings(heartbeat, authTimeout, lead, lifetime, r.bool(Setting.PERSONAL_CHANNEL,
                SessionSettings.DEFAULT_PERSONAL_CHANNEL),
                cookie, r.bool(Setting.QUERY_TOKEN, false), maxMessage, queue, linger);
    }
}
