package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Presence and join/leave on one node with the embedded broker: the set lives in the node's memory (docs/protocol.md §9). */
@Timeout(120)
class EmbeddedPresenceIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("rtgw.yml");
        Files.writeString(config, "namespaces:\n  chat: { presence: true, join_leave: true }\n");
        node = new RunningGateway(config, Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Set<String> clients(JsonNode answer) {
        Set<String> ids = new TreeSet<>();
        answer.path("clients").forEach(c -> ids.add(c.path("client").asText()));
        return ids;
    }

    private static JsonNode presence() throws Exception {
        var r = new ApiClient(node, API_KEY).get("/api/presence?tenant=acme&channel=chat%3A1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RedisE2e.JSON.readTree(r.body());
    }

    @Test
    void aWebSocketAndAnSseClientSeeEachOtherComeAndGo() throws Exception {
        Map<String, Object> bobClaims = Jwts.claims("bob", "acme");
        String bob = Jwts.hs256(RunningGateway.SECRET, bobClaims);
        Map<String, Object> aliceClaims = Jwts.claims("alice", "acme");
        aliceClaims.put("info", Map.of("name", "Alice"));
        String alice = Jwts.hs256(RunningGateway.SECRET, aliceClaims);
        try (SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of("chat:1"), null)),
                Map.of("Authorization", "Bearer " + bob))) {
            String sseClient = sse.connected().data().path("client").asText();
            await().atMost(WAIT).until(() -> clients(presence()).equals(Set.of(sseClient)));
            String wsClient;
            try (WsClient ws = WsClient.connect(node.ws(), alice)) {
                wsClient = ws.await("welcome", m -> true).path("client").asText();
                ws.send("{\"type\":\"subscribe\",\"channel\":\"chat:1\"}");
                ws.subscribed("chat:1");
                SseClient.Event join = sse.await("rtgw.join",
                        e -> e.data().path("data").path("client").asText().equals(wsClient));
                assertThat(join.data().path("data").path("info").path("name").asText()).isEqualTo("Alice");
                ws.send("{\"type\":\"presence\",\"channel\":\"chat:1\",\"ref\":\"p\"}");
                JsonNode reply = ws.await("presence", m -> "p".equals(m.path("ref").asText()));
                assertThat(clients(reply)).containsExactlyInAnyOrder(sseClient, wsClient);
                var stats = new ApiClient(node, API_KEY).get("/api/presence/stats?tenant=acme&channel=chat%3A1");
                assertThat(RedisE2e.JSON.readTree(stats.body()).path("users").asInt()).isEqualTo(2);
            }
            sse.await("rtgw.leave", e -> e.data().path("data").path("client").asText().equals(wsClient));
            await().atMost(WAIT).until(() -> clients(presence()).equals(Set.of(sseClient)));
        }
    }
}
