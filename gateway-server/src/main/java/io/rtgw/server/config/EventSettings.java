package io.rtgw.server.config;

import io.rtgw.core.events.EventType;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Connection events for the app (docs/protocol.md §10).
 *
 * @param mode   off, a Redis Stream per tenant, or batched signed POSTs to {@code url}
 * @param url    where POSTs go (webhook mode only)
 * @param secret HMAC key of {@code Rtgw-Signature} (required in webhook mode)
 * @param maxLen approximate cap of each tenant's stream ({@code MAXLEN ~})
 * @param queue  bound of the delivery queue; events beyond it are dropped and counted
 * @param types  which event types are produced
 * @param grace  how long a user/channel must stay gone before offline/vacated
 */
public record EventSettings(Mode mode, Optional<URI> url, Optional<String> secret, long maxLen, int queue,
                            Set<EventType> types, Duration grace) {
    public enum Mode {
        OFF, REDIS, WEBHOOK
    }

    public static final long DEFAULT_MAXLEN = 100_000;
    public static final int DEFAULT_QUEUE = 100_000;
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public EventSettings {
        types = Set.copyOf(types);
    }

    public boolean on() {
        return mode != Mode.OFF;
    }

    @Override
    public String toString() { // never print the secret
        return "EventSettings[mode=" + mode + ", url=" + url + ", maxLen=" + maxLen + ", queue=" + queue + ", types="
                + types + ", grace=" + grace + "]";
    }

    static EventSettings from(SettingReader r, BrokerSettings broker) {
        String raw = r.string(Setting.EVENTS, "off").trim();
        Mode mode;
        Optional<URI> url = Optional.empty();
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.equals("off") || lower.isEmpty()) {
            mode = Mode.OFF;
        } else if (lower.equals("redis")) {
            mode = Mode.REDIS;
            if (broker.embedded()) {
                throw new ConfigException(r.where(Setting.EVENTS) + ": \"redis\" needs the Redis broker (expected: "
                        + Setting.REDIS_URL.envName() + " set too, or an http(s) URL for webhook mode)");
            }
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            mode = Mode.WEBHOOK;
            try {
                URI u = URI.create(raw);
                if (u.getHost() == null) {
                    throw new IllegalArgumentException("no host");
                }
                url = Optional.of(u);
            } catch (IllegalArgumentException e) {
                throw SettingReader.invalid(r.raw(Setting.EVENTS), "is not a URL", "off, redis, or an http(s) URL");
            }
        } else {
            throw SettingReader.invalid(r.raw(Setting.EVENTS), "is not an events mode",
                    "off, redis, or an http(s) URL like http://localhost:3000/rtgw-events");
        }
        Optional<String> secret = r.string(Setting.EVENTS_SECRET).filter(s -> !s.isBlank());
        if (mode == Mode.WEBHOOK && secret.isEmpty()) {
            throw new ConfigException(Setting.EVENTS_SECRET.envName() + ": missing (expected: the HMAC key that signs "
                    + "webhook POSTs, required when " + Setting.EVENTS.envName() + " is a URL)");
        }
        long maxLen = r.integer(Setting.EVENTS_MAXLEN, (int) DEFAULT_MAXLEN, 1, Integer.MAX_VALUE,
                "a whole number of entries, at least 1, like 100000");
        int queue = r.integer(Setting.EVENTS_QUEUE, DEFAULT_QUEUE, 1, 10_000_000,
                "a whole number of events from 1 to 10000000, like 100000");
        Set<EventType> types;
        try {
            types = EventType.parseList(String.join(",", r.list(Setting.EVENTS_TYPES)));
        } catch (IllegalArgumentException e) {
            throw SettingReader.invalid(r.raw(Setting.EVENTS_TYPES), "names " + e.getMessage(),
                    "all, or a list of online, offline, connect, disconnect, occupied, vacated");
        }
        Duration grace = r.duration(Setting.EVENTS_GRACE, DEFAULT_GRACE, Duration.ZERO);
        return new EventSettings(mode, url, secret, maxLen, queue, types, grace);
    }
}
