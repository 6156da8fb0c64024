package io.rtgw.transport;

import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.time.Duration;
import java.util.concurrent.Executors;

/** The context a connection reads its settings, observer and registry from, for unit tests that run no session. */
final class TestContexts {
    private TestContexts() {
    }

    static TransportContext of(RecordingObserver observer, TransportSettings settings) {
        var broker = new InMemoryBroker(HistoryPolicies.uniform(HistoryPolicy.DEFAULT));
        var hub = new Hub(broker, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }), Duration.ofSeconds(1), observer);
        return TransportContext.of(new SessionContext(hub, broker, new TestAuthenticator(), observer,
                SessionSettings.DEFAULTS), settings);
    }
}
