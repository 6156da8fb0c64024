package io.rtgw.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key set behind a JWKS URL. Keys are read from a cached snapshot so a normal verification
 * never waits; fetches are asynchronous (JDK HttpClient) because the caller may be an event loop.
 *
 * <p>Three rules keep the JWKS server and the gateway safe from each other:
 * <ul>
 *   <li>at most one fetch is in flight; everyone needing fresh keys joins it;</li>
 *   <li>an unknown {@code kid} may trigger a fetch at most once per {@code unknownKidInterval},
 *       so a flood of tokens with random kids costs the JWKS server one request, not thousands;</li>
 *   <li>a failed fetch, an error status, unparsable JSON or a set without one usable key never
 *       replaces the last good set: an outage of the identity provider must not log everyone out.</li>
 * </ul>
 */
final class JwksKeySource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);
    /** A JWKS is a few KiB; anything far larger is a misconfigured URL or an attack. */
    static final long MAX_BODY_BYTES = 1024 * 1024;

    private final URI url;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Duration refreshInterval;
    private final Duration unknownKidInterval;
    private final Duration fetchTimeout;
    private final Clock clock;

    private volatile List<VerificationKey> keys = List.of();
    private final AtomicReference<CompletableFuture<List<VerificationKey>>> inFlight = new AtomicReference<>();
    private final AtomicReference<Instant> lastUnknownKidFetch = new AtomicReference<>();
    private final AtomicLong fetchesStarted = new AtomicLong();
    private volatile ScheduledFuture<?> schedule;
    private volatile CompletableFuture<List<VerificationKey>> initialFetch;

    JwksKeySource(URI url, HttpClient http, ScheduledExecutorService scheduler, Duration refreshInterval,
                  Duration unknownKidInterval, Duration fetchTimeout, Clock clock) {
        this.url = url;
        this.http = http;
        this.scheduler = scheduler;
        this.refreshInterval = refreshInterval;
        this.unknownKidInterval = unknownKidInterval;
        this.fetchTimeout = fetchTimeout;
        this.clock = clock;
    }

    /** Starts the first fetch at once and the periodic refresh after it. */
    void start() {
        initialFetch = fetch();
        long periodMillis = refreshInterval.toMillis();
        schedule = scheduler.scheduleWithFixedDelay(this::fetch, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Completes when the first fetch has finished, whatever its outcome. */
    CompletableFuture<List<VerificationKey>> initialFetch() {
        CompletableFuture<List<VerificationKey>> f = initialFetch;
        return f != null ? f : CompletableFuture.completedFuture(keys);
    }

    /** The last good key set; empty until the first successful fetch. */
    List<VerificationKey> keys() {
        return keys;
    }

    long fetchesStarted() {
        return fetchesStarted.get();
    }

    /**
     * Fresh keys for a token whose key is not in the current set. Joins a fetch already in
     * flight (for instance the first one after start); otherwise fetches only when the
     * rate limit allows and answers the current set at once when it does not. Never fails.
     */
    CompletableFuture<List<VerificationKey>> refreshForUnknownKid() {
        CompletableFuture<List<VerificationKey>> running = inFlight.get();
        if (running != null) {
            return running;
        }
        Instant now = clock.instant();
        Instant last = lastUnknownKidFetch.get();
        // A clock stepped backwards must not block refreshes until it catches up again.
        boolean allowed = last == null || now.isBefore(last) || !now.isBefore(last.plus(unknownKidInterval));
        if (!allowed || !lastUnknownKidFetch.compareAndSet(last, now)) {
            return CompletableFuture.completedFuture(keys);
        }
        return fetch();
    }

    /** Starts a fetch unless one is in flight; the future completes with the key set afterwards. */
    CompletableFuture<List<VerificationKey>> fetch() {
        CompletableFuture<List<VerificationKey>> mine = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, mine)) {
            CompletableFuture<List<VerificationKey>> other = inFlight.get();
            return other != null ? other : CompletableFuture.completedFuture(keys);
        }
        fetchesStarted.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(fetchTimeout)
                .header("Accept", "application/json, application/jwk-set+json")
                .GET()
                .build();
        try {
            http.sendAsync(request, JwksKeySource::boundedBody)
                    .whenComplete((response, error) -> finish(mine, response, error));
        } catch (RuntimeException e) {
            finish(mine, null, e);
        }
        return mine;
    }

    private void finish(CompletableFuture<List<VerificationKey>> mine, HttpResponse<String> response,
                        Throwable error) {
        try {
            if (error != null) {
                log.warn("JWKS fetch from {} failed ({}); keeping the last good key set of {} keys",
                        url, error.toString(), keys.size());
            } else {
                accept(response);
            }
        } catch (RuntimeException e) {
            log.warn("JWKS from {} not usable ({}); keeping the last good key set", url, e.toString());
        } finally {
            // Clear before completing, so that callers woken by the completion can start a new fetch.
            inFlight.compareAndSet(mine, null);
            mine.complete(keys);
        }
    }

    private void accept(HttpResponse<String> response) {
        if (response.statusCode() != 200 || response.body() == null) {
            log.warn("JWKS fetch from {} answered HTTP {}; keeping the last good key set",
                    url, response.statusCode());
            return;
        }
        JWKSet set;
        try {
            set = JWKSet.parse(response.body());
        } catch (java.text.ParseException e) {
            log.warn("JWKS from {} is not a JSON Web Key Set ({}); keeping the last good key set",
                    url, e.getMessage());
            return;
        }
        List<VerificationKey> usable = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            VerificationKey.fromJwk(jwk).ifPresent(usable::add);
        }
        if (usable.isEmpty()) {
            log.warn("JWKS from {} has no usable RS256/PS256/ES256 key; keeping the last good key set", url);
            return;
        }
        keys = List.copyOf(usable);
        log.debug("JWKS from {} loaded: {} keys", url, usable.size());
    }

    /** Refuses bodies announced as too large without reading them. */
    private static HttpResponse.BodySubscriber<String> boundedBody(HttpResponse.ResponseInfo info) {
        long length = info.headers().firstValueAsLong("content-length").orElse(-1);
        if (length > MAX_BODY_BYTES) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
    }
}
