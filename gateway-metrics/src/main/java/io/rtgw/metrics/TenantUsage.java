package io.rtgw.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-tenant usage counters, with at most {@code maxTenants} distinct tenant series: the first
 * tenants seen get their own, the rest share {@code tenant="other"}. Tenants come from verified
 * tokens, but their number is still unbounded, and every series costs memory on each scrape.
 *
 * <p>A known tenant costs one {@link ConcurrentHashMap#get} (String hashes are cached, so no
 * allocation); registering happens once per admitted tenant. A real tenant named "other" shares
 * the overflow series: accepted, as the name is only a label.
 */
final class TenantUsage {
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxTenants;
    private final ConcurrentHashMap<String, Meters> byTenant = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final Meters other;

    TenantUsage(MeterRegistry registry, int maxTenants) {
        this.registry = registry;
        this.maxTenants = maxTenants;
        this.other = new Meters(registry, OTHER);
    }

    void closed(String tenant, long durationNanos) {
        Meters m = of(tenant);
        m.connections.increment();
        m.connectionSeconds.increment(durationNanos / 1e9);
    }

    void delivered(String tenant, int payloadBytes) {
        Meters m = of(tenant);
        m.delivered.increment();
        m.payloadBytes.increment(payloadBytes);
    }

    private Meters of(String tenant) {
        Meters m = byTenant.get(tenant);
        if (m != null) {
            return m;
        }
        if (admitted.get() >= maxTenants || OTHER.equals(tenant)) {
            return other;
        }
        // The slot is taken inside computeIfAbsent so two threads racing for the last slot
        // cannot both get one; a null result stores nothing, so overflow tenants are not kept.
        m = byTenant.computeIfAbsent(tenant,
                t -> admitted.getAndIncrement() < maxTenants ? new Meters(registry, t) : null);
        return m != null ? m : other;
    }

    private static final class Meters {
        final Counter connections;
        final Counter connectionSeconds;
        final Counter delivered;
        final Counter payloadBytes;

        Meters(MeterRegistry registry, String tenant) {
            connections = Counter.builder("rtgw.tenant.connections.closed").tag("tenant", tenant)
                    .description("Authenticated connections that ended, by tenant").register(registry);
            connectionSeconds = Counter.builder("rtgw.tenant.connection.seconds").tag("tenant", tenant)
                    .description("Connected time of ended connections, by tenant").register(registry);
            delivered = Counter.builder("rtgw.tenant.messages.delivered").tag("tenant", tenant)
                    .description("Publications written to clients, by channel tenant").register(registry);
            payloadBytes = Counter.builder("rtgw.tenant.payload").tag("tenant", tenant).baseUnit("bytes")
                    .description("Bytes of publication data written to clients, by channel tenant").register(registry);
        }
    }
}
