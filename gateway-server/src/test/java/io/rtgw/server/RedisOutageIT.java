package io.rtgw.server;

import static io.rtgw.server.RedisE2e.brokerUp;
import static io.rtgw.server.RedisE2e.items;
import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RedisE2e.poll;
import static io.rtgw.server.RedisE2e.readyz;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.testkit.RespClient;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis (append-only file on) is stopped the way an operator stops it, while an app keeps
 * publishing through the function and retrying what was not acknowledged. Clients stay
 * connected through the outage and, once Redis is back, hold every acknowledged publication
 * exactly once and in order.
 */
@Timeout(120)
class RedisOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendOnly();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        // Room for everything the unpaced publisher makes while Redis is down and back (over 1,000
        // in some runs): the late long-poll client reads it all from history, so none may be trimmed.
        node = RedisE2e.node(redis.server().uri(), "RTGW_HISTORY_SIZE", "100000");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /**
     * An app's publisher: one FCALL per message with an idempotency key, retried with the same key
     * until Redis answers, so a publication whose reply was lost is never made twice.
     */
    private static final class RetryingPublisher implements Runnable {
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        private final RedisServer server;
        private final String key;
        private final Thread thread = new Thread(this, "app-publisher");

        RetryingPublisher(RedisServer server, String key) {
            this.server = server;
            this.key = key;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void finish() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).isFalse();
        }

        @Override
        public void run() {
            int n = 0;
            while (!stop.get()) {
                try {
                    List<String> reply = RespClient.call(server.host(), server.port(), 2000,
                            RespClient.utf8("FCALL"), RespClient.utf8("rtgw_publish"), RespClient.utf8("1"),
                            RespClient.utf8(key), RespClient.utf8(""), RespClient.utf8("{\"n\":" + n + "}"),
                            RespClient.utf8("app-" + n));
                    acknowledged.add(reply.get(0));
                    n++;
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    // the app's retry back-off; a refused connection fails at once
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }

    @Test
    void everyAcknowledgedPublicationArrivesOnceInOrderAcrossAStopAndRestart(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String jwt = token("erin", tenant, "room:*");
        List<String> channels = List.of("room:o");
        try (WsClient ws = WsClient.connect(node.ws(), jwt);
             SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", channels, null)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:o\"}");
            ws.subscribed("room:o");
            sse.connected();
            String pollCursor = poll(node, jwt, channels, null).path("cursor").asText();
            assertThat(readyz(node)).isEqualTo(200);
            assertThat(brokerUp(node)).isEqualTo(1.0);

            RetryingPublisher app = new RetryingPublisher(server, key(tenant, "room:o"));
            app.start();
            try {
                await().atMost(WAIT).until(() -> app.acknowledged.size() >= 10);
                await().atMost(WAIT).until(() -> ws.idsOf("room:o").size() >= 5);

                server.stop(); // SIGTERM: Redis writes its AOF and exits
                await().atMost(WAIT).until(() -> readyz(node) == 503);
                await().atMost(WAIT).until(() -> brokerUp(node) == 0.0);
                int failuresBefore = app.failures.get();
                await().atMost(WAIT).until(() -> app.failures.get() > failuresBefore + 3);
                assertThat(ws.closeCode).as("WebSocket still open during the outage").isEqualTo(-1);
                assertThat(sse.ended).as("SSE stream still open during the outage").isFalse();
                int ackedDuringOutage = app.acknowledged.size();

                server.restart();
                await().atMost(WAIT).until(() -> app.acknowledged.size() >= ackedDuringOutage + 10);
                await().atMost(WAIT).until(() -> readyz(node) == 200);
                await().atMost(WAIT).until(() -> brokerUp(node) == 1.0);
                int ackedAfterUp = app.acknowledged.size();
                await().atMost(WAIT).until(() -> app.acknowledged.size() >= ackedAfterUp + 5);
            } finally {
                app.finish();
            }
            List<String> acked = new ArrayList<>(app.acknowledged);

            await().atMost(WAIT).until(() -> ws.idsOf("room:o").size() >= acked.size()
                    && sse.dataOf("room:o").size() >= acked.size());
            assertThat(ws.idsOf("room:o")).containsExactlyElementsOf(acked);
            assertThat(ws.ofType("gap")).isEmpty();
            assertThat(sse.events.stream().filter(e -> !e.event().startsWith("rtgw."))
                    .map(e -> e.data().path("id").asText())).containsExactlyElementsOf(acked);
            assertThat(sse.named("rtgw.gap")).isEmpty();
            assertThat(sse.named("rtgw.close")).isEmpty();
            assertThat(ws.closeCode).as("WebSocket never closed").isEqualTo(-1);
            assertThat(sse.ended).as("SSE stream never ended").isFalse();

            // a long-poll client that polls only now reads the same, from the cursor it had before
            List<String> polled = new ArrayList<>();
            String cursor = pollCursor;
            while (polled.size() < acked.size()) {
                JsonNode answer = poll(node, jwt, channels, cursor);
                assertThat(items(answer, "gap", "room:o")).isEmpty();
                List<JsonNode> got = items(answer, "message", "room:o");
                assertThat(got).as("a poll with messages pending answers with some").isNotEmpty();
                got.forEach(m -> polled.add(m.path("id").asText()));
                cursor = answer.path("cursor").asText();
            }
            assertThat(polled).containsExactlyElementsOf(acked);
        }
    }
}
