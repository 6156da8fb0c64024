package io.rtgw.core.broker;

class InMemoryBrokerContractTest extends BrokerContractTest {
    @Override
    protected Broker newBroker(HistoryPolicies policies) {
        return new InMemoryBroker(policies);
    }

    @Override
    protected Broker loseHistory(Broker old, HistoryPolicies policies) throws Exception {
        old.close();
        Broker fresh = new InMemoryBroker(policies);
        fresh.start(listener).get();
        return fresh;
    }
}
