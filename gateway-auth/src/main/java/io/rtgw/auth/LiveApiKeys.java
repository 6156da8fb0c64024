package io.rtgw.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server API's live key set, replaceable at runtime (a config reload, an admin action)
 * without a restart and without locking the request path: a check reads one snapshot.
 */
public final class LiveApiKeys {
    private static final String BEARER = "bearer ";

    private final AtomicReference<ApiKeySet> current;

    public LiveApiKeys(ApiKeySet initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** Swaps the whole set at once; requests in flight finish with the set they started with. */
    public void replace(ApiKeySet next) {
        current.set(Objects.requireNonNull(next, "next"));
    }

    public ApiKeySet current() {
        return current.get();
    }

    /** Checks a bare key (the part after {@code Bearer }). */
    public Optional<ApiKeyScope> check(String bearer) {
        return current.get().check(bearer);
    }

    /** Checks a whole {@code Authorization} header value; anything but a Bearer credential fails. */
    public Optional<ApiKeyScope> checkAuthorizationHeader(String headerValue) {
        if (headerValue == null || headerValue.length() <= BEARER.length()
                || !headerValue.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Optional.empty();
        }
        return check(headerValue.substring(BEARER.length()).trim());
    }
}
