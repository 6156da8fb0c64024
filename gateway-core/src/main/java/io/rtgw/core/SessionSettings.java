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
    public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ZERO, 128, true, 1000, 10_000, ns -> true);

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
