package io.rtgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.rtgw.core.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    @Test
    void contentTypeIsTheOneTheWriterProduces() {
        assertThat(GatewayMetrics.CONTENT_TYPE).isEqualTo(PrometheusTextFormatWriter.CONTENT_TYPE);
    }

    @Test
    void scrapeHoldsGatewayJvmAndExtraMeters() throws Exception {
        try (GatewayMetrics metrics = GatewayMetrics.create()) {
            metrics.observer().connectionOpened(Transport.WEBSOCKET);
            // What the transport module will do for event-loop lag and allocator metrics.
            Gauge.builder("rtgw.eventloop.lag", () -> 0.25).baseUnit("seconds").register(metrics.registry());

            Exposition e = Exposition.parse(metrics.scrape());
            Set<String> names = e.samples().stream().map(Exposition.Sample::name).collect(Collectors.toSet());
            assertThat(names).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                    "jvm_classes_loaded_classes", "jvm_gc_memory_allocated_bytes_total", "system_cpu_count",
                    "process_uptime_seconds", "process_files_open_files",
                    "jvm_gc_overhead", "jvm_memory_usage_after_gc");
            assertThat(e.value("rtgw_connections_opened_total", "transport", "websocket")).isEqualTo(1);
            assertThat(e.value("rtgw_eventloop_lag_seconds")).isEqualTo(0.25);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.scrape(out);
            Exposition streamed = Exposition.parse(out.toString(StandardCharsets.UTF_8));
            assertThat(streamed.value("rtgw_connections_opened_total", "transport", "websocket")).isEqualTo(1);
        }
    }

    @Test
    void tenantOptionReachesTheObserver() {
        try (GatewayMetrics metrics = GatewayMetrics.create(MetricsOptions.withTenantUsage(3))) {
            assertThat(Exposition.parse(metrics.scrape()).value("rtgw_tenant_messages_delivered_total",
                    "tenant", "other")).isZero();
        }
    }
}
