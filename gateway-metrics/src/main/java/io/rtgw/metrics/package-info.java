/**
 * Micrometer/Prometheus implementation of {@link io.rtgw.core.GatewayObserver}: the metric names
 * and label values of docs/protocol.md §8, JVM metrics, and the {@code /metrics} text exposition.
 * Entry point: {@link io.rtgw.metrics.GatewayMetrics}.
 */
package io.rtgw.metrics;
