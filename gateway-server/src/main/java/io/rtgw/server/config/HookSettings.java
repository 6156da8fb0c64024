package io.rtgw.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * The app's hooks (docs/protocol.md §11): where each is POSTed, how long an answer may take, and
 * how many questions may be open at once per hook.
 *
 * @param connect     asked for a connection that carries no token
 * @param subscribe   asked for a subscribe the grants do not cover, in namespaces with {@code subscribe_hook: true}
 * @param publish     asked for every client publish in namespaces with {@code publish_hook: true}
 * @param timeout     an answer later than this counts as none
 * @param maxInFlight questions open at once per hook; one more is answered as if the app were down
 * @param cacheSize   subscribe allows remembered at most (per tenant, user and channel)
 */
public record HookSettings(Optional<URI> connect, Optional<URI> subscribe, Optional<URI> publish, Duration timeout,
                           int maxInFlight, int cacheSize) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    public static final int DEFAULT_CACHE_SIZE = 100_000;

    public boolean any() {
        return connect.isPresent() || subscribe.isPresent() || publish.isPresent();
    }

    static HookSettings from(SettingReader r) {
        Duration timeout = r.duration(Setting.HOOK_TIMEOUT, DEFAULT_TIMEOUT, Duration.ofMillis(10));
        if (timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw SettingReader.invalid(r.raw(Setting.HOOK_TIMEOUT), "is too long", "a duration of at most 60s, like 2s");
        }
        int inFlight = r.integer(Setting.HOOK_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000,
                "a whole number from 1 to 1000000, like 1000");
        int cache = r.integer(Setting.HOOK_CACHE_SIZE, DEFAULT_CACHE_SIZE, 0, 10_000_000,
                "a whole number from 0 (no cache) to 10000000, like 100000");
        return new HookSettings(url(r, Setting.CONNECT_HOOK), url(r, Setting.SUBSCRIBE_HOOK),
                url(r, Setting.PUBLISH_HOOK), timeout, inFlight, cache);
    }

    private static Optional<URI> url(SettingReader r, Setting s) {
        Optional<String> text = r.string(s).map(String::trim).filter(t -> !t.isEmpty());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.get());
            String scheme = uri.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below, as a wrong scheme is
        }
        throw SettingReader.invalid(r.raw(s), "is not an http(s) URL", "a URL like http://127.0.0.1:3000/rtgw/connect");
    }
}
