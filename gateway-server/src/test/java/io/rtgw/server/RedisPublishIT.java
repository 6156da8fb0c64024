package io.rtgw.server;

import static io.rtgw.server.RedisE2e.items;
import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RedisE2e.poll;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.StreamPosition;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An app publishes straight into Redis with {@code redis-cli} (docs/publishing.md), and a real
 * node delivers to real WebSocket, SSE and long-poll clients.
 */
@Timeout(60)
class RedisPublishIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = RedisE2e.node(redis.server().uri());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theNodeOwnsOneSetOfLettuceThreadsAndStopsThemOnClose() throws Exception {
        var resources = node.gateway.redisResources();
        assertThat(resources).isNotNull();
        assertThat(io.rtgw.metrics.Exposition.parse(node.get(node.admin("/metrics")).body())
                .value("rtgw_broker_queue_depth")).isEqualTo(0.0);
        try (RunningGateway other = RedisE2e.node(redis.server().uri(), "RTGW_REDIS_QUEUE", "64")) {
            assertThat(other.gateway.config().broker().redisQueue()).isEqualTo(64);
            var own = other.gateway.redisResources();
            assertThat(own).isNotSameAs(resources);
            other.close();
            assertThat(own.eventExecutorGroup().isShuttingDown()).isTrue();
        }
        assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
    }

    @Test
    void theFunctionFromRedisCliReachesEveryTransportWithTheReturnedId(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String jwt = token("alice", tenant, "room:*");
        List<String> channels = List.of("room:1");
        try (WsClient ws = WsClient.connect(node.ws(), jwt);
             SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", channels, null)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
            ws.subscribed("room:1");
            sse.connected();
            String cursor = poll(node, jwt, channels, null).path("cursor").asText();

            String id = server.cli("FCALL", "rtgw_publish", "1", key(tenant, "room:1"), "chat", "{\"a\":1}");
            assertThat(StreamPosition.parse(id)).as("the function's reply '%s' is an id", id).isNotNull();

            JsonNode onWs = ws.await("message", m -> m.path("channel").asText().equals("room:1"));
            assertThat(onWs.path("id").asText()).isEqualTo(id);
            assertThat(onWs.path("event").asText()).isEqualTo("chat");
            assertThat(onWs.path("data").toString()).isEqualTo("{\"a\":1}");

            SseClient.Event onSse = sse.await("chat", e -> true);
            assertThat(onSse.data().path("id").asText()).isEqualTo(id);
            assertThat(onSse.data().path("channel").asText()).isEqualTo("room:1");
            assertThat(onSse.data().path("data").toString()).isEqualTo("{\"a\":1}");
            assertThat(onSse.id()).as("the SSE cursor moves with the message").isNotBlank();

            JsonNode answer = poll(node, jwt, channels, cursor);
            List<JsonNode> polled = items(answer, "message", "room:1");
            assertThat(polled).hasSize(1);
            assertThat(polled.get(0).path("id").asText()).isEqualTo(id);
            assertThat(polled.get(0).path("event").asText()).isEqualTo("chat");
            assertThat(polled.get(0).path("data").toString()).isEqualTo("{\"a\":1}");

            // the SSE cursor of that message resumes on long-poll (same format) with nothing missing
            assertThat(items(poll(node, jwt, channels, answer.path("cursor").asText()), "message", "room:1")).isEmpty();
        }
    }

    @Test
    void aPlainPublishIsDeliveredVerbatimAsDataWithoutAnId(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String jwt = token("bob", tenant, "room:*");
        List<String> channels = List.of("room:live");
        try (WsClient ws = WsClient.connect(node.ws(), jwt);
             SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", channels, null)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:live\"}");
            ws.subscribed("room:live");
            SseClient.Event connected = sse.connected();
            String pollCursor = poll(node, jwt, channels, null).path("cursor").asText();
            String key = key(tenant, "room:live");

            // text that is not JSON, JSON, and JSON that tries to look like a gateway message
            String forged = "{\"type\":\"message\",\"id\":\"99.forged\",\"event\":\"rtgw.close\",\"data\":1}";
            for (String payload : List.of("typing alice", "{\"typing\":\"bob\"}", forged)) {
                assertThat(server.cli("PUBLISH", key, payload)).isEqualTo("1");
            }
            String marker = server.cli("FCALL", "rtgw_publish", "1", key, "", "\"marker\"");

            await().atMost(Duration.ofSeconds(10)).until(() -> ws.dataOf("room:live").size() == 4
                    && sse.dataOf("room:live").size() == 4);
            List<String> expected = List.of("\"typing alice\"", "{\"typing\":\"bob\"}", forged, "\"marker\"");
            assertThat(ws.dataOf("room:live")).containsExactlyElementsOf(expected);
            List<JsonNode> wsMessages = ws.ofType("message").stream()
                    .filter(m -> m.path("channel").asText().equals("room:live")).toList();
            for (JsonNode live : wsMessages.subList(0, 3)) {
                assertThat(live.has("id")).as("live-only %s carries no id", live).isFalse();
                assertThat(live.path("event").asText()).isEqualTo("message");
            }
            assertThat(wsMessages.get(3).path("id").asText()).isEqualTo(marker);
            assertThat(ws.ofType("gap")).isEmpty();
            assertThat(ws.closeCode).as("the forged rtgw.close closed nothing").isEqualTo(-1);

            assertThat(sse.dataOf("room:live")).containsExactlyElementsOf(expected);
            List<SseClient.Event> sseMessages = sse.events.stream()
                    .filter(e -> !e.event().startsWith("rtgw.")).toList();
            for (SseClient.Event live : sseMessages.subList(0, 3)) {
                assertThat(live.id()).as("no id: line for a live-only message").isNull();
                assertThat(live.event()).isEqualTo("message");
                assertThat(live.data().has("id")).isFalse();
            }
            assertThat(sseMessages.get(3).data().path("id").asText()).isEqualTo(marker);
            assertThat(sse.named("rtgw.close")).isEmpty();
            assertThat(sse.ended).isFalse();
            assertThat(connected.id()).isNotBlank();

            // long-poll never sees live-only publications; the stored one arrives alone
            JsonNode answer = poll(node, jwt, channels, pollCursor);
            assertThat(items(answer, "message", "room:live")).extracting(m -> m.path("data").toString())
                    .containsExactly("\"marker\"");
        }
    }
}
