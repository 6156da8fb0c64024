package io.rtgw.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records the gateway hooks as the docs/protocol.md §8 metrics.
 *
 * <p>Every series of the fixed label sets is registered in the constructor, so each exists at 0
 * from the first scrape (a rate() or an absence alert works before the first event) and the hot
 * path only indexes arrays by enum ordinal: no map lookup, no tag allocation, no lock.
 */
public final class MicrometerObserver implements GatewayObserver {
    /** Values of the {@code source} label; anything else is counted as {@code other}. */
    public static final List<String> SOURCES = List.of("api", "websocket", "redis", "other");

    /** Publish → written buckets: from clock resolution (1 ms) to the point where it is an outage. */
    static final Duration[] LATENCY_BUCKETS = micros(1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000);
    /** Connection lifetimes: flapping clients (seconds) up to sessions that live all day. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12), Duration.ofHours(24)};

    private static final Transport[] TRANSPORTS = Transport.values();
    private static final DisconnectReason[] REASONS = DisconnectReason.values();

    private final AtomicLong[] open = new AtomicLong[TRANSPORTS.length];
    private final Counter[] opened = new Counter[TRANSPORTS.length];
    private final Counter[][] closed = new Counter[TRANSPORTS.length][REASONS.length];
    private final Timer[] duration = new Timer[TRANSPORTS.length];
    private final Counter[] delivered = new Counter[TRANSPORTS.length];
    private final Counter[] received = new Counter[TRANSPORTS.length];
    private final Counter[] parseErrors = new Counter[TRANSPORTS.length];
    private final Counter[] sendFailures = new Counter[TRANSPORTS.length];
    private final Counter[] published = new Counter[SOURCES.size()];
    private final Counter[] authFailures = new Counter[AuthFailure.values().length];
    private final Timer latency;
    private final Counter replayed;
    private final Counter historyReads;
    private final Counter positionChecks;
    private final Counter resumedFromMemory;
    private final Counter gaps;
    private final Counter presenceErrors;
    private final AtomicLong subscriptions = new AtomicLong();
    private final AtomicLong brokerUp = new AtomicLong();
    private final TenantUsage tenants;
    private final LongSupplier wallClockMicros;

    public MicrometerObserver(MeterRegistry registry, MetricsOptions options) {
        this(registry, options, () -> System.currentTimeMillis() * 1000L);
    }

    /** @param wallClockMicros Unix microseconds now, on the same clock as publishedAtMicros */
    MicrometerObserver(MeterRegistry registry, MetricsOptions options, LongSupplier wallClockMicros) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        this.wallClockMicros = Objects.requireNonNull(wallClockMicros, "wallClockMicros");
        for (Transport t : TRANSPORTS) {
            int i = t.ordinal();
            String tl = t.label();
            open[i] = new AtomicLong();
            Gauge.builder("rtgw.connections", open[i], AtomicLong::get).tag("transport", tl)
                    .description("Open connections").strongReference(true).register(registry);
            opened[i] = counter(registry, "rtgw.connections.opened", "Connections accepted", "transport", tl);
            for (DisconnectReason r : REASONS) {
                // Two enum values share "bad_request"; Micrometer hands back the same counter for both.
                closed[i][r.ordinal()] = Counter.builder("rtgw.connections.closed").tag("transport", tl)
                        .tag("reason", r.reason()).description("Connections closed, by reason")
                        .register(registry);
            }
            duration[i] = Timer.builder("rtgw.connection.duration").tag("transport", tl)
                    .description("Connection lifetime, open to close")
                    .serviceLevelObjectives(DURATION_BUCKETS).register(registry);
            delivered[i] = counter(registry, "rtgw.messages.delivered", "Publications written to clients",
                    "transport", tl);
            received[i] = counter(registry, "rtgw.messages.received", "Client frames or requests received",
                    "transport", tl);
            parseErrors[i] = counter(registry, "rtgw.parse.errors", "Client input that could not be parsed",
                    "transport", tl);
            sendFailures[i] = counter(registry, "rtgw.send.failures", "Writes to clients that failed",
                    "transport", tl);
        }
        for (int s = 0; s < published.length; s++) {
            published[s] = counter(registry, "rtgw.messages.published", "Publications accepted, by entry point",
                    "source", SOURCES.get(s));
        }
        for (AuthFailure f : AuthFailure.values()) {
            authFailures[f.ordinal()] = counter(registry, "rtgw.auth.failures", "Refused tokens or requests",
                    "reason", f.label());
        }
        latency = Timer.builder("rtgw.delivery.latency")
                .description("Publish accepted to written on a connection (wall clock)")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        replayed = Counter.builder("rtgw.replay.messages").description("Messages sent from history on resume")
                .register(registry);
        historyReads = Counter.builder("rtgw.history.reads")
                .description("History reads sent to the broker (shared reads count once)").register(registry);
        resumedFromMemory = Counter.builder("rtgw.history.memory.catchups")
                .description("First catch-ups answered from the channel's recent publications, without a broker read")
                .register(registry);
        positionChecks = Counter.builder("rtgw.position.checks")
                .description("Head checks of quiet channels sent to the broker").register(registry);
        presenceErrors = Counter.builder("rtgw.presence.errors")
                .description("Presence writes, reads and join/leave publishes that failed (repaired by the next renewal)")
                .register(registry);
        gaps = Counter.builder("rtgw.replay.gaps").description("Resumes that could not be fully recovered")
                .register(registry);
        Gauge.builder("rtgw.channel.subscriptions", subscriptions, AtomicLong::get)
                .description("Channel subscriptions held by sessions on this node").strongReference(true)
                .register(registry);
        // 0 until the broker reports up: a node is not known to deliver before that.
        Gauge.builder("rtgw.broker.up", brokerUp, AtomicLong::get)
                .description("1 while the broker connection delivers, else 0").strongReference(true)
                .register(registry);
        tenants = options.tenantUsage() ? new TenantUsage(registry, options.maxTenants()) : null;
    }

    @Override
    public void connectionOpened(Transport transport) {
        int i = transport.ordinal();
        open[i].incrementAndGet();
        opened[i].increment();
    }

    @Override
    public void connectionClosed(Transport transport, ClientIdentity identity, DisconnectReason reason,
                                 long durationNanos, long messagesSent) {
        int i = transport.ordinal();
        open[i].decrementAndGet();
        closed[i][reason.ordinal()].increment();
        long nanos = Math.max(0, durationNanos);
        duration[i].record(nanos, TimeUnit.NANOSECONDS);
        if (tenants != null && identity != null) {
            tenants.closed(identity.tenant(), nanos);
        }
    }

    @Override
    public void published(String source) {
        published[sourceIndex(source)].increment();
    }

    @Override
    public void delivered(Transport transport, Publication publication) {
        delivered[transport.ordinal()].increment();
        // Clocks of different nodes disagree a little; a negative difference means "no delay".
        long micros = Math.max(0, wallClockMicros.getAsLong() - publication.publishedAtMicros());
        latency.record(micros, TimeUnit.MICROSECONDS);
        if (tenants != null) {
            tenants.delivered(publication.channel().tenant(), publication.dataBytes());
        }
    }

    @Override
    public void messageReceived(Transport transport) {
        received[transport.ordinal()].increment();
    }

    @Override
    public void replayed(int messages) {
        if (messages > 0) {
            replayed.increment(messages);
        }
    }

    @Override
    public void gap() {
        gaps.increment();
    }

    @Override
    public void historyRead() {
        historyReads.increment();
    }

    @Override
    public void resumedFromMemory() {
        resumedFromMemory.increment();
    }

    @Override
    public void positionCheck() {
        positionChecks.increment();
    }

    @Override
    public void authFailure(AuthFailure reason) {
        authFailures[reason.ordinal()].increment();
    }

    @Override
    public void parseError(Transport transport) {
        parseErrors[transport.ordinal()].increment();
    }

    @Override
    public void sendFailure(Transport transport) {
        sendFailures[transport.ordinal()].increment();
    }

    @Override
    public void subscriptionsChanged(int delta) {
        subscriptions.addAndGet(delta);
    }

    @Override
    public void brokerState(boolean up) {
        brokerUp.set(up ? 1 : 0);
    }

    @Override
    public void presenceError() {
        presenceErrors.increment();
    }

    /**
     * Index into {@link #SOURCES}. A switch on a String hashes and compares: no allocation, unlike
     * looking a counter up by freshly built tags.
     */
    private static int sourceIndex(String source) {
        if (source == null) {
            return 3;
        }
        switch (source) {
            case "api":
                return 0;
            case "websocket":
                return 1;
            case "redis":
                return 2;
            default:
                return 3;
        }
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String tag,
                                   String value) {
        return Counter.builder(name).tag(tag, value).description(description).register(registry);
    }

    private static Duration[] micros(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(values[i] * 1000L);
        }
        return out;
    }
}
