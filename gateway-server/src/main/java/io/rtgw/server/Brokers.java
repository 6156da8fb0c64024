package io.rtgw.server;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.pubsub.RedisBroker;
import io.rtgw.pubsub.RedisBrokerConfig;
import io.rtgw.server.config.GatewayConfig;
import java.time.Clock;

/** Picks the broker: embedded unless {@code RTGW_REDIS_URL} is set. */
final class Brokers {
    private Brokers() {
    }

    /** @param redis the process's Lettuce resources; null with the embedded broker */
    static Broker create(GatewayConfig config, ClientResources redis) {
        if (config.broker().embedded()) {
            return new InMemoryBroker(config.historyPolicies(), config.idempotencyWindow(), Clock.systemUTC());
        }
        return new RedisBroker(RedisBrokerConfig.builder(config.broker().redisUrl().orElseThrow())
                .keyPrefix(config.broker().redisPrefix())
                .probeInterval(config.broker().redisProbeInterval())
                .policies(config.historyPolicies())
                .idempotencyWindow(config.idempotencyWindow())
                .laneCapacity(config.broker().redisQueue())
                .clientResources(redis)
                .build());
    }

    /**
     * {@code rtgw_broker_queue_depth}: messages from Redis waiting for the node. Registered with
     * either broker (0 for the embedded one, which hands over directly) so that dashboards and
     * alerts find the series on every node.
     */
    static void registerMetrics(MeterRegistry registry, Broker broker) {
        if (broker instanceof RedisBroker redis) {
            Gauge.builder("rtgw.broker.queue.depth", redis, RedisBroker::queueDepth)
                    .description("Messages from Redis waiting to be handed to the node").register(registry);
        } else {
            Gauge.builder("rtgw.broker.queue.depth", () -> 0)
                    .description("Messages from Redis waiting to be handed to the node").register(registry);
        }
    }
}
