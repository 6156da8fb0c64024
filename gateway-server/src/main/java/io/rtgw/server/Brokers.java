package io.rtgw.server;

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

    static Broker create(GatewayConfig config) {
        if (config.broker().embedded()) {
            return new InMemoryBroker(config.historyPolicies(), config.idempotencyWindow(), Clock.systemUTC());
        }
        return new RedisBroker(RedisBrokerConfig.builder(config.broker().redisUrl().orElseThrow())
                .keyPrefix(config.broker().redisPrefix())
                .probeInterval(config.broker().redisProbeInterval())
                .policies(config.historyPolicies())
                .idempotencyWindow(config.idempotencyWindow())
                .build());
    }
}
