package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.metrics.Exposition;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscribe that arrives while Redis is unreachable stays pending, with no error, and completes
 * once Redis is back (docs/protocol.md §4): WebSocket {@code subscribed}, SSE
 * {@code rtgw.connected}, long-poll an answer with a cursor; what is published afterwards arrives.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SubscribeDuringOutageIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendOnly()
            .withArgs("--enable-debug-command", "local");
    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = FaultRig.start(redis.server().uri(), 1);
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void subscribesMadeWhileRedisIsStoppedCompleteWhenItIsBack(RedisServer server) throws Exception {
        server.stop();
        rig.awaitAllUnready();
        subscribeWhileDown(() -> !server.isRunning(), server::restart);
    }

    @Test
    void subscribesMadeWhileRedisHangsCompleteWhenItAnswersAgain(RedisServer server) throws Exception {
        // long enough for the probe to declare the link dead (500 ms + 3 s) and the clients to subscribe
        CompletableFuture<String> hang = CompletableFuture.supplyAsync(() -> server.cli("DEBUG", "SLEEP", "12"));
        rig.awaitAllUnready();
        subscribeWhileDown(() -> !hang.isDone(), () -> hang.get(FaultRig.WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @FunctionalInterface
    private interface Recovery {
        void await() throws Exception;
    }

    private static void subscribeWhileDown(BooleanSupplier stillDown, Recovery recovery) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:late";
        RunningGateway node = rig.nodes.get(0);
        double sse = opened(node, "sse");
        double polls = opened(node, "long_poll");
        try (FaultClients clients = rig.clients(tenant, channel)) {
            clients.fenceWebSockets();
            // the SSE and poll requests reached the node, whose answer must now wait for Redis
            await().atMost(FaultRig.WAIT).until(() -> opened(node, "sse") > sse && opened(node, "long_poll") > polls);
            boolean anyConfirmed = clients.all().stream().anyMatch(WatchedClient::confirmed);
            Assumptions.assumeTrue(stillDown.getAsBoolean(), "Redis came back before the clients subscribed (busy machine)");
            assertThat(anyConfirmed).as("confirmed without Redis").isFalse();

            recovery.await();
            await().atMost(FaultRig.WAIT).until(clients::allConfirmed);
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                published.add(rig.publish(0, tenant, channel, "{\"n\":" + i + "}"));
            }
            String last = published.get(published.size() - 1);
            await().atMost(FaultRig.WAIT).until(() -> clients.allReceived(last));
            for (WatchedClient c : clients.all()) {
                assertThat(c.seen()).as(c.name()).extracting(WatchedClient.Seen::id).containsExactlyElementsOf(published);
                assertThat(c.refusals()).as("%s: pending, never refused", c.name()).isEmpty();
            }
        }
    }

    private static double opened(RunningGateway node, String transport) throws Exception {
        return Exposition.parse(node.get(node.admin("/metrics")).body()).named("rtgw_connections_opened_total").stream()
                .filter(s -> transport.equals(s.labels().get("transport"))).mapToDouble(Exposition.Sample::value).sum();
    }
}
