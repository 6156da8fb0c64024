package io.rtgw.pubsub;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerContractTest;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.testkit.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker rules every implementation keeps, against a real redis-server. */
class RedisBrokerContractTest extends BrokerContractTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();

    @Override
    protected Broker newBroker(HistoryPolicies policies) {
        return new RedisBroker(TestBrokers.config(redis.server().uri(), policies).build());
    }

    /** FLUSHALL: every position and stream gone, as after a restart without persistence. */
    @Override
    protected Broker loseHistory(Broker broker, HistoryPolicies policies) throws Exception {
        redis.server().flushAll();
        return broker;
    }
}
