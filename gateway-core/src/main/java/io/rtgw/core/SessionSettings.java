package io.rtgw.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a {@link ClientSession} needs to know of the configuration.
 *
 * @param skew                 clock skew allowed on {@code exp}: a connection ends at exp + skew
 * @param expiringLead         how long before {@code exp} the client is warned
 * @param maxLifetime          connections end after this long whatever their token (zero: never)
 * @param maxSubscriptions     per connection
 * @param personalChannel      whether {@code user:<sub>} is subscribed automatically
 * @param historyPageSize      how many messages one history read asks for
 * @param maxPendingPerChannel live messages buffered while a channel catches up, before the
 *                             connection is closed as a slow consumer
 * @param clientPublish        whether a namespace lets clients publish (the token must allow it too)
 */
public record SessionSettings(Duration skew, Duration expiringLead, Duration maxLifetime, int maxSubscriptions,
                              boolean personalChannel, int historyPageSize, int maxPendingPerChannel,
                              Predicate<String> clientPublish) {
    /*
     * The defaults of the settings above, in one place: the server's configuration and the JWT
     * verifier read them from here (docs/configuration.md repeats them for readers).
     */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_EXPIRING_LEAD = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ZERO;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 128;
    public static final boolean DEFAULT_PERSONAL_CHANNEL = true;
    public static final int DEFAULT_MAX_PENDING_PER_CHANNEL = 10_000;

    public static final SessionSettings DEFAULTS = new SessionSettings(DEFAULT_SKEW, DEFAULT_EXPIRING_LEAD,
            DEFAULT_MAX_LIFETIME, DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_PERSONAL_CHANNEL, 1000,
            DEFAULT_MAX_PENDING_PER_CHANNEL, ns -> true);

    public SessionSettings {
        Objects.requireNonNull(skew, "skew");
        Objects.requireNonNull(expiringLead, "expiringLead");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(clientPublish, "clientPublish");
        if (maxSubscriptions < 1) {
            throw new IllegalArgumentException("maxSubscriptions: " + maxSubscriptions + " (expected: > 0)");
        }
        if (historyPageSize < 1) {
            throw new IllegalArgumentException("historyPageSize: " + historyPageSize + " (expected: > 0)");
        }
    }
}
