package io.rtgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TenantUsageTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void close() {
        registry.close();
    }

    static ClientIdentity identity(String tenant) {
        return new ClientIdentity("u", tenant, 0, List.of(), List.of());
    }

    Exposition scrape() {
        return Exposition.parse(registry.scrape());
    }

    Set<String> tenantLabels(Exposition e, String name) {
        return e.named(name).stream().map(s -> s.labels().get("tenant")).collect(Collectors.toSet());
    }

    @Test
    void offByDefault() {
        MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.defaults());
        observer.connectionClosed(Transport.SSE, identity("acme"), DisconnectReason.NORMAL, 1, 0);
        observer.delivered(Transport.SSE, MicrometerObserverTest.publication("acme", 0));
        assertThat(scrape().samples()).noneMatch(s -> s.name().startsWith("rtgw_tenant_"));
    }

    @Test
    void payloadBytesAreChargedPerDeliveryInUtf8() {
        MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.withTenantUsage(5));
        io.rtgw.core.Publication euro = new io.rtgw.core.Publication(io.rtgw.core.ChannelName.of("acme", "room:1"),
                null, "message", "\"\u20ac\"", 0); // "€" in quotes: 1 + 3 + 1 bytes
        observer.delivered(Transport.WEBSOCKET, euro);
        observer.delivered(Transport.SSE, euro);
        assertThat(scrape().value("rtgw_tenant_payload_bytes_total", "tenant", "acme")).isEqualTo(10.0);
    }

    @Test
    void tenantsBeyondTheCapAreCountedAsOther() {
        MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.withTenantUsage(2));
        assertThat(scrape().value("rtgw_tenant_messages_delivered_total", "tenant", "other")).isZero();

        for (String tenant : List.of("a", "b", "c", "a", "d", "b", "a")) {
            observer.delivered(Transport.WEBSOCKET, MicrometerObserverTest.publication(tenant, 0));
        }
        observer.connectionClosed(Transport.WEBSOCKET, identity("a"), DisconnectReason.NORMAL,
                TimeUnit.SECONDS.toNanos(30), 3);
        observer.connectionClosed(Transport.SSE, identity("c"), DisconnectReason.SHUTDOWN,
                TimeUnit.MILLISECONDS.toNanos(1500), 0);
        observer.connectionClosed(Transport.SSE, null, DisconnectReason.UNAUTHORIZED, 1, 0);

        Exposition e = scrape();
        assertThat(tenantLabels(e, "rtgw_tenant_messages_delivered_total")).containsExactlyInAnyOrder(
                "a", "b", "other");
        assertThat(e.value("rtgw_tenant_messages_delivered_total", "tenant", "a")).isEqualTo(3);
        assertThat(e.value("rtgw_tenant_messages_delivered_total", "tenant", "b")).isEqualTo(2);
        assertThat(e.value("rtgw_tenant_messages_delivered_total", "tenant", "other")).isEqualTo(2);
        assertThat(e.value("rtgw_tenant_connections_closed_total", "tenant", "a")).isEqualTo(1);
        assertThat(e.value("rtgw_tenant_connections_closed_total", "tenant", "other")).isEqualTo(1);
        assertThat(e.value("rtgw_tenant_connection_seconds_total", "tenant", "a")).isEqualTo(30);
        assertThat(e.value("rtgw_tenant_connection_seconds_total", "tenant", "other")).isEqualTo(1.5);
    }

    @Test
    void capZeroPutsEveryoneInOther() {
        MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.withTenantUsage(0));
        observer.delivered(Transport.SSE, MicrometerObserverTest.publication("acme", 0));
        Exposition e = scrape();
        assertThat(tenantLabels(e, "rtgw_tenant_messages_delivered_total")).containsExactly("other");
        assertThat(e.value("rtgw_tenant_messages_delivered_total", "tenant", "other")).isEqualTo(1);
    }

    @Test
    void racingThreadsNeverAdmitMoreThanTheCap() throws Exception {
        int cap = 10;
        int threads = 8;
        int tenants = 50;
        MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.withTenantUsage(cap));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int offset = w;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < tenants; i++) {
                    String tenant = "t" + ((i + offset * 7) % tenants);
                    observer.delivered(Transport.SSE, MicrometerObserverTest.publication(tenant, 0));
                }
            });
            t.start();
            workers.add(t);
        }
        start.countDown();
        for (Thread t : workers) {
            t.join(10_000);
        }
        Exposition e = scrape();
        List<Exposition.Sample> series = e.named("rtgw_tenant_messages_delivered_total");
        assertThat(series).hasSize(cap + 1);
        assertThat(series.stream().mapToDouble(Exposition.Sample::value).sum()).isEqualTo(threads * tenants);
    }
}
