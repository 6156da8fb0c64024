package io.rtgw.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.concurrent.EventExecutor;
import io.rtgw.transport.EventLoops;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the JVM metrics cannot show: Netty's buffer memory (direct memory is outside the heap
 * figures) and event-loop lag — how late a task runs on each loop, the first sign that a loop is
 * overloaded or blocked, long before clients notice.
 */
final class NettyMetrics {
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    private NettyMetrics() {
    }

    static void register(MeterRegistry registry, EventLoops loops) {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            Gauge.builder("rtgw.netty.allocator.used.direct", provider, p -> p.metric().usedDirectMemory())
                    .description("Direct memory held by Netty's buffer allocator").baseUnit(BaseUnits.BYTES)
                    .register(registry);
            Gauge.builder("rtgw.netty.allocator.used.heap", provider, p -> p.metric().usedHeapMemory())
                    .description("Heap memory held by Netty's buffer allocator").baseUnit(BaseUnits.BYTES)
                    .register(registry);
        }
        Timer lag = Timer.builder("rtgw.event.loop.lag")
                .description("How late a task scheduled on an event loop ran")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1))
                .register(registry);
        for (EventExecutor loop : loops.workers()) {
            probe(loop, lag);
        }
    }

    private static void probe(EventExecutor loop, Timer lag) {
        long due = System.nanoTime() + PROBE_EVERY.toNanos();
        try {
            loop.schedule(() -> {
                lag.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
                probe(loop, lag);
            }, PROBE_EVERY.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // the loop is shutting down, and its probe with it
        }
    }
}
