package io.rtgw.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The node's metrics: one Prometheus registry holding the gateway metrics of docs/protocol.md §8 and the
 * JVM/process metrics, and the text that {@code /metrics} answers with.
 *
 * <p>Other modules add their own meters (event-loop lag, Netty allocator) through
 * {@link #registry()}, so everything is scraped from one place.
 */
public final class GatewayMetrics implements AutoCloseable {
    /**
     * Content-Type of {@link #scrape()}: the Prometheus text format 0.0.4. Spelled out because the
     * client library's writer is a runtime-only dependency; a test checks the two agree.
     */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final MicrometerObserver observer;
    private final JvmGcMetrics gcMetrics;
    private final JvmHeapPressureMetrics heapPressure;

    private GatewayMetrics(MetricsOptions options) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        observer = new MicrometerObserver(registry, options);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Open files matter here: the process limit is hard (see MACHINE-NOTES), one per socket.
        new FileDescriptorMetrics().bindTo(registry);
        // GC metrics listen to JMX notifications and must be closed to unregister the listeners.
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        // Old-gen fill after GC and GC time share: collector-independent inputs for a memory alert.
        heapPressure = new JvmHeapPressureMetrics();
        heapPressure.bindTo(registry);
    }

    public static GatewayMetrics create(MetricsOptions options) {
        return new GatewayMetrics(java.util.Objects.requireNonNull(options, "options"));
    }

    public static GatewayMetrics create() {
        return create(MetricsOptions.defaults());
    }

    /** The observer to give the core (combine with others through {@link CompositeObserver}). */
    public MicrometerObserver observer() {
        return observer;
    }

    /** Where other modules register extra meters, e.g. with a {@code MeterBinder}. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format; answer it with {@link #CONTENT_TYPE}. */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    /** As {@link #scrape()}, written straight to a stream (e.g. a ByteBuf's) without a String. */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out, CONTENT_TYPE);
    }

    @Override
    public void close() {
        heapPressure.close();
        gcMetrics.close();
        registry.close();
    }
}
