package io.rtgw.server;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.InMemoryBroker;
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
        throw new IllegalStateException("RTGW_REDIS_URL is set, but this build has no Redis broker yet");
    }
}
