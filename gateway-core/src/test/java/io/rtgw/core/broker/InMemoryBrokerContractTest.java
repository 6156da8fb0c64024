package io.rtgw.core.broker;

import java.time.Clock;
import java.time.Duration;

class InMemoryBrokerContractTest extends BrokerContractTest {
    /**
     * Idle channels are kept far longer than any test runs: the contract's rule that a quiet
     * channel keeps its position holds for as long as the broker holds the channel.
     */
    private static final EmbeddedLimits LIMITS = new EmbeddedLimits(EmbeddedLimits.DEFAULT_MAX_CHANNELS,
            EmbeddedLimits.DEFAULT_MAX_RETAINED_BYTES, Duration.ofHours(1));

    @Override
    protected Broker newBroker(HistoryPolicies policies) {
        return new InMemoryBroker(policies, Broker.DEFAULT_IDEMPOTENCY_WINDOW, Clock.systemUTC(), LIMITS);
    }

    @Override
    protected Broker loseHistory(Broker old, HistoryPolicies policies) throws Exception {
        old.close();
        Broker fresh = newBroker(policies);
        fresh.start(listener).get();
        return fresh;
    }
}
