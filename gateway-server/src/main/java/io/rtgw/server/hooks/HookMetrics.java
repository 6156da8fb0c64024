package io.rtgw.server.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code rtgw_hook_requests_total{hook,result}} and {@code rtgw_hook_duration_seconds{hook}} for one
 * hook; every counter made up front, so counting an answer looks nothing up.
 */
final class HookMetrics {
    private final Counter[] requests = new Counter[HookResult.values().length];
    private final Timer duration;

    HookMetrics(MeterRegistry registry, String hook) {
        for (HookResult r : HookResult.values()) {
            requests[r.ordinal()] = Counter.builder("rtgw.hook.requests").tag("hook", hook).tag("result", r.label())
                    .description("Questions put to the app's hooks, by answer (docs/protocol.md §11)")
                    .register(registry);
        }
        duration = Timer.builder("rtgw.hook.duration").tag("hook", hook)
                .description("Time until the app answered a hook (questions actually sent)")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
                .register(registry);
    }

    void counted(HookResult result) {
        requests[result.ordinal()].increment();
    }

    void answeredAfter(long nanos) {
        duration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
