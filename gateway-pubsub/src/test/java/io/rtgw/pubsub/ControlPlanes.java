package io.rtgw.pubsub;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlListener;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.TenantLoad;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Control planes for tests: "nodes" on one Redis, with listeners that record what reached them. */
final class ControlPlanes {
    static final Duration SKEW = Duration.ofSeconds(0);

    private ControlPlanes() {
    }

    static RedisControlPlane create(String url, String prefix, Duration reportInterval, Duration maxTokenAge) {
        return new RedisControlPlane(TestBrokers.config(url, null).keyPrefix(prefix).probeTimeout(Duration.ofSeconds(1)).build(),
                reportInterval, maxTokenAge, SKEW, Clock.systemUTC());
    }

    static RedisControlPlane started(String url, String prefix, String nodeId, ControlListener listener) throws Exception {
        RedisControlPlane plane = create(url, prefix, Duration.ofSeconds(1), Duration.ofHours(24));
        plane.start(nodeId, listener).get(30, TimeUnit.SECONDS);
        return plane;
    }

    static NodeReport report(String nodeId, int connections) {
        return new NodeReport(nodeId, "test", System.currentTimeMillis() / 1000 - 5, connections, connections * 2,
                true, false, System.currentTimeMillis());
    }

    static TenantLoad load(String nodeId, Map<String, Integer> channels, Map<String, Integer> users) {
        return new TenantLoad(nodeId, channels, users);
    }

    /** Records commands and answers each with what {@code answer} says. */
    static final class Recorder implements ControlListener {
        final List<ControlCommand> commands = new CopyOnWriteArrayList<>();
        final AtomicInteger rejoins = new AtomicInteger();
        private final Function<ControlCommand, CompletableFuture<Integer>> answer;

        Recorder(int count) {
            this(command -> CompletableFuture.completedFuture(count));
        }

        Recorder(Function<ControlCommand, CompletableFuture<Integer>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<Integer> apply(ControlCommand command) {
            commands.add(command);
            return answer.apply(command);
        }

        @Override
        public void onRejoined() {
            rejoins.incrementAndGet();
        }
    }
}
