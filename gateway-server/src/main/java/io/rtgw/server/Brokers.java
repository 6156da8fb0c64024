package io.rtgw.server;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.FunctionCounter;
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

    /**
     * @param redis  the process's Lettuce resources; null with the embedded broker
     * @param pubSub where the broker's pub/sub connections run, if not on {@code redis}
     */
    static Broker create(GatewayConfig config, ClientResources redis, ClientResources pubSub) {
        if (config.broker().embedded()) {
            return new InMemoryBroker(config.historyPolicies(), config.idempotencyWindow(), Clock.systemUTC(),
                    config.broker().embeddedLimits());
        }
        return new RedisBroker(redisSettings(config, redis).pubSubResources(pubSub).build());
    }

    /** The one Redis configuration of a node: its broker and its control plane share it. */
    static RedisBrokerConfig redisConfig(GatewayConfig config, ClientResources redis) {
        return redisSettings(config, redis).build();
    }

    private static RedisBrokerConfig.Builder redisSettings(GatewayConfig config, ClientResources redis) {
        return RedisBrokerConfig.builder(config.broker().redisUrl().orElseThrow())
                .keyPrefix(config.broker().redisPrefix())
                .probeInterval(config.broker().redisProbeInterval())
                .policies(config.historyPolicies())
                .idempotencyWindow(config.idempotencyWindow())
                .laneCapacity(config.broker().redisQueue())
                .clientResources(redis);
    }

    /**
     * {@code rtgw_broker_queue_depth}: messages from Redis waiting for the node. Registered with
     * either broker (0 for the embedded one, which hands over directly) so that dashboards and
     * alerts find the series on every node.
     */
    static void registerMetrics(MeterRegistry registry, Broker broker) {
        registerEmbeddedMetrics(registry, broker);
        if (broker instanceof RedisBroker redis) {
            Gauge.builder("rtgw.broker.queue.depth", redis, RedisBroker::queueDepth)
                    .description("Messages from Redis waiting to be handed to the node").register(registry);
        } else {
            Gauge.builder("rtgw.broker.queue.depth", () -> 0)
                    .description("Messages from Redis waiting to be handed to the node").register(registry);
        }
    }

    /**
     * What the embedded broker holds and what it refused for lack of room (docs/operations.md):
     * {@code rtgw_broker_channels}, {@code rtgw_broker_retained_bytes} and
     * {@code rtgw_broker_refusals_total}. Absent with Redis, whose memory is Redis's own.
     */
    private static void registerEmbeddedMetrics(MeterRegistry registry, Broker broker) {
        if (broker instanceof InMemoryBroker embedded) {
            Gauge.builder("rtgw.broker.channels", embedded, InMemoryBroker::channelCount)
                    .description("Channels the embedded broker holds").register(registry);
            Gauge.builder("rtgw.broker.retained", embedded, InMemoryBroker::retainedBytes).baseUnit("bytes")
                    .description("Estimated bytes of history and idempotency keys the embedded broker holds")
                    .register(registry);
            FunctionCounter.builder("rtgw.broker.refusals", embedded, InMemoryBroker::refusals)
                    .description("Publishes the embedded broker refused because it held its maximum of channels or bytes")
                    .register(registry);
        }
    }
}
