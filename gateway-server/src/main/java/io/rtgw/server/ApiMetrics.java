package io.rtgw.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.server.admin.ApiRequestCounter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code rtgw_api_requests_total{endpoint,result}}: server-API calls by route name and HTTP status.
 * Both labels come from short fixed lists (the routes, the statuses the API answers), so the
 * series count stays small whatever callers send.
 */
final class ApiMetrics implements ApiRequestCounter {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void count(String endpoint, int status) {
        counters.computeIfAbsent(endpoint + ' ' + status, k -> Counter.builder("rtgw.api.requests")
                .description("Server API calls by endpoint and HTTP status")
                .tag("endpoint", endpoint).tag("result", Integer.toString(status))
                .register(registry)).increment();
    }
}
