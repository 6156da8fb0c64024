package io.rtgw.transport;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A real public listener on a free loopback port with the in-memory broker. */
final class TestNode implements AutoCloseable {
    final RecordingObserver observer = new RecordingObserver();
    final Broker broker;
    final EventLoops loops = new EventLoops(2);
    final Hub hub;
    final PublicServer server;
    final TransportContext context;

    TestNode() throws Exception {
        this(s -> s);
    }

    TestNode(UnaryOperator<TransportSettings> tune) throws Exception {
        this(20, tune, AbuseLimits.NONE);
    }

    TestNode(UnaryOperator<TransportSettings> tune, AbuseLimits limits) throws Exception {
        this(20, tune, limits);
    }

    TestNode(int historySize, UnaryOperator<TransportSettings> tune) throws Exception {
        this(historySize, tune, AbuseLimits.NONE);
    }

    /** @param historySize messages kept per channel (catch-up races need more than the default 20) */
    TestNode(int historySize, UnaryOperator<TransportSettings> tune, AbuseLimits limits) throws Exception {
        broker = new InMemoryBroker(HistoryPolicies.uniform(new HistoryPolicy(historySize, Duration.ofMinutes(5))));
        hub = new Hub(broker, loops.workers().next(), Duration.ofSeconds(2), observer);
        broker.start(hub).get();
        context = TransportContext.of(new SessionContext(hub, broker, new TestAuthenticator(), observer,
                SessionSettings.DEFAULTS), tune.apply(TransportSettings.defaults("127.0.0.1", 0)), limits);
        server = new PublicServer(context, loops);
        server.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.address().getPort() + pathAndQuery);
    }

    URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery);
    }

    StreamPosition publish(String tenant, String channel, String data) throws Exception {
        return broker.publish(new PublishRequest(ChannelName.of(tenant, channel), null, data, null))
                .get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.close();
        broker.close();
        loops.close();
    }
}
