package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.metrics.Exposition;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence and join/leave end to end (docs/protocol.md §9): two nodes on one Redis, namespace
 * {@code chat} with presence and join/leave, {@code room} with join/leave only. The WebSocket
 * {@code presence} command and {@code GET /api/presence} see the connections of both nodes; a
 * node that stops renewing its leases drops out of presence by itself; join and leave messages
 * reach WebSocket, SSE and long-poll subscribers on either node.
 */
@Timeout(180)
class PresenceIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    @TempDir
    static Path dir;
    private static Path config;
    private static RunningGateway a;
    private static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        config = dir.resolve("rtgw.yml");
        Files.writeString(config, """
                namespaces:
                  chat: { presence: true, join_leave: true }
                  room: { join_leave: true }
                """);
        a = node();
        b = node();
    }

    private static RunningGateway node() throws Exception {
        return new RunningGateway(config, Map.of("RTGW_REDIS_URL", redis.server().uri(),
                "RTGW_PRESENCE_INTERVAL", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static String token(String user, String tenant, Map<String, Object> info) {
        Map<String, Object> claims = Jwts.claims(user, tenant);
        if (info != null) {
            claims.put("info", info);
        }
        return Jwts.hs256(RunningGateway.SECRET, claims);
    }

    private static WsClient subscribed(RunningGateway node, String jwt, String channel) throws Exception {
        WsClient ws = WsClient.connect(node.ws(), jwt);
        ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        ws.subscribed(channel);
        return ws;
    }

    private static String clientId(WsClient ws) {
        return ws.await("welcome", m -> true).path("client").asText();
    }

    private static JsonNode api(RunningGateway node, String path) throws Exception {
        var r = new ApiClient(node, API_KEY).get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RedisE2e.JSON.readTree(r.body());
    }

    private static Set<String> clients(JsonNode answer) {
        Set<String> ids = new TreeSet<>();
        answer.path("clients").forEach(c -> ids.add(c.path("client").asText()));
        return ids;
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theWebSocketCommandAndTheApiSeeTheConnectionsOfBothNodes() throws Exception {
        String tenant = redis.tenant();
        String query = "?tenant=" + tenant + "&channel=" + q("chat:1");
        try (WsClient alice = subscribed(a, token("alice", tenant, Map.of("name", "Alice")), "chat:1");
             WsClient bob = subscribed(b, token("bob", tenant, null), "chat:1");
             WsClient alice2 = subscribed(b, token("alice", tenant, Map.of("name", "Alice")), "chat:1")) {
            Set<String> all = new TreeSet<>(List.of(clientId(alice), clientId(bob), clientId(alice2)));
            await().atMost(WAIT).until(() -> clients(api(a, "/api/presence" + query)).equals(all));
            assertThat(clients(api(b, "/api/presence" + query))).isEqualTo(all);
            JsonNode stats = api(b, "/api/presence/stats" + query);
            assertThat(stats.path("clients").asInt()).isEqualTo(3);
            assertThat(stats.path("users").asInt()).isEqualTo(2);

            alice.send("{\"type\":\"presence\",\"channel\":\"chat:1\",\"ref\":\"p1\"}");
            JsonNode reply = alice.await("presence", m -> "p1".equals(m.path("ref").asText()));
            assertThat(reply.path("channel").asText()).isEqualTo("chat:1");
            assertThat(clients(reply)).isEqualTo(all);
            for (JsonNode c : reply.path("clients")) {
                if (c.path("client").asText().equals(clientId(alice))) {
                    assertThat(c.path("user").asText()).isEqualTo("alice");
                    assertThat(c.path("info").path("name").asText()).isEqualTo("Alice");
                    assertThat(c.path("since").asLong()).isPositive();
                } else if (c.path("client").asText().equals(clientId(bob))) {
                    assertThat(c.path("info").isNull()).isTrue();
                }
            }

            bob.send("{\"type\":\"unsubscribe\",\"channel\":\"chat:1\"}");
            bob.await("unsubscribed", m -> true);
            alice2.close();
            await().atMost(WAIT).until(() -> clients(api(a, "/api/presence" + query)).equals(Set.of(clientId(alice))));

            bob.send("{\"type\":\"presence\",\"channel\":\"chat:1\",\"ref\":\"p2\"}");
            JsonNode forbidden = bob.await("error", m -> "p2".equals(m.path("ref").asText()));
            assertThat(forbidden.path("code").asText()).isEqualTo("forbidden");
            assertThat(forbidden.path("channel").asText()).isEqualTo("chat:1");
        }
    }

    @Test
    void aNamespaceWithoutPresenceIsABadRequestOnTheApiAndTheWebSocket() throws Exception {
        String tenant = redis.tenant();
        var r = new ApiClient(a, API_KEY).get("/api/presence?tenant=" + tenant + "&channel=" + q("room:1"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(RedisE2e.JSON.readTree(r.body()).path("field").asText()).isEqualTo("channel");
        assertThat(new ApiClient(a, API_KEY).get("/api/presence/stats?tenant=" + tenant + "&channel=" + q("room:1"))
                .statusCode()).isEqualTo(400);
        try (WsClient ws = subscribed(a, token("alice", tenant, null), "room:1")) {
            ws.send("{\"type\":\"presence\",\"channel\":\"room:1\",\"ref\":\"p\"}");
            assertThat(ws.await("error", m -> "p".equals(m.path("ref").asText())).path("code").asText())
                    .isEqualTo("bad_request");
        }
    }

    @Test
    void theEntriesOfANodeThatStopsRenewingVanishByThemselves() throws Exception {
        String tenant = redis.tenant();
        String query = "?tenant=" + tenant + "&channel=" + q("chat:2");
        try (RunningGateway doomed = node();
             WsClient alice = subscribed(a, token("alice", tenant, null), "chat:2");
             WsClient carol = subscribed(doomed, token("carol", tenant, null), "chat:2")) {
            await().atMost(WAIT).until(() -> clients(api(a, "/api/presence" + query)).size() == 2);
            // the node "dies": no more renewals and no leaves, its connections still open
            doomed.gateway.presenceTracker().close();
            await().atMost(WAIT).until(() -> clients(api(a, "/api/presence" + query)).equals(Set.of(clientId(alice))));
            assertThat(clients(api(b, "/api/presence" + query))).containsExactly(clientId(alice));
            // the survivors' entries stay: they renew
            assertThat(api(b, "/api/presence/stats" + query).path("clients").asInt()).isEqualTo(1);
            assertThat(carol.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void joinAndLeaveReachWebSocketSseAndLongPollSubscribersOnBothNodes() throws Exception {
        String tenant = redis.tenant();
        String watcher = token("watcher", tenant, null);
        try (WsClient ws = subscribed(a, watcher, "room:7");
             SseClient sse = SseClient.open(b.pub(RedisE2e.sseQuery("/sse", List.of("room:7"), null)),
                     Map.of("Authorization", "Bearer " + watcher))) {
            sse.connected();
            String cursor = RedisE2e.poll(a, watcher, List.of("room:7"), null).path("cursor").asText();
            JsonNode pollItem = null;
            String dave = null;
            for (int attempt = 0; attempt < 5 && pollItem == null; attempt++) {
                CompletableFuture<JsonNode> held = heldPoll(a, watcher, cursor);
                await().atMost(WAIT).until(() -> longPollsHeld(a) >= 1 || held.isDone());
                try (WsClient d = subscribed(b, token("dave", tenant, Map.of("name", "Dave")), "room:7")) {
                    dave = clientId(d);
                    String id = dave;
                    JsonNode answer = held.get(60, TimeUnit.SECONDS);
                    cursor = answer.path("cursor").asText(cursor);
                    pollItem = RedisE2e.items(answer, "message", "room:7").stream()
                            .filter(m -> m.path("event").asText().equals("rtgw.join")
                                    && m.path("data").path("client").asText().equals(id))
                            .findFirst().orElse(null);
                    JsonNode wsJoin = ws.await("message", m -> m.path("event").asText().equals("rtgw.join")
                            && m.path("data").path("client").asText().equals(id));
                    assertThat(wsJoin.has("id")).as("live-only").isFalse();
                    assertThat(wsJoin.path("data").path("user").asText()).isEqualTo("dave");
                    assertThat(wsJoin.path("data").path("info").path("name").asText()).isEqualTo("Dave");
                    SseClient.Event sseJoin = sse.await("rtgw.join",
                            e -> e.data().path("data").path("client").asText().equals(id));
                    assertThat(sseJoin.id()).as("no id line").isNull();
                    assertThat(sseJoin.data().path("channel").asText()).isEqualTo("room:7");
                    assertThat(sseJoin.data().path("data").path("user").asText()).isEqualTo("dave");
                }
                String id = dave;
                ws.await("message", m -> m.path("event").asText().equals("rtgw.leave")
                        && m.path("data").path("client").asText().equals(id));
                sse.await("rtgw.leave", e -> e.data().path("data").path("client").asText().equals(id));
            }
            assertThat(pollItem).as("a held poll answered with the join").isNotNull();
            assertThat(pollItem.has("id")).isFalse();
            assertThat(pollItem.path("data").path("user").asText()).isEqualTo("dave");
        }
    }

    @Test
    void aLongPollClientIsOneEntryAcrossItsPolls() throws Exception {
        String tenant = redis.tenant();
        String jwt = token("erin", tenant, null);
        String query = "?tenant=" + tenant + "&channel=" + q("chat:lp");
        try (WsClient watcher = subscribed(a, token("watcher", tenant, null), "chat:lp")) {
            String cursor = RedisE2e.poll(b, jwt, List.of("chat:lp"), null).path("cursor").asText();
            for (int i = 0; i < 3; i++) {
                cursor = RedisE2e.poll(b, jwt, List.of("chat:lp"), cursor).path("cursor").asText(cursor);
            }
            await().atMost(WAIT).until(() -> clients(api(a, "/api/presence" + query)).size() == 2);
            List<String> erinJoins = new ArrayList<>();
            watcher.ofType("message").stream().filter(m -> m.path("event").asText().equals("rtgw.join")
                    && m.path("data").path("user").asText().equals("erin"))
                    .forEach(m -> erinJoins.add(m.path("data").path("client").asText()));
            assertThat(erinJoins).as("one join for four polls").hasSize(1);
            assertThat(watcher.ofType("message")).noneMatch(m -> m.path("event").asText().equals("rtgw.leave"));
        }
    }

    private static CompletableFuture<JsonNode> heldPoll(RunningGateway node, String jwt, String cursor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                var r = SseClient.get(node.pub(RedisE2e.sseQuery("/poll", List.of("room:7"), cursor) + "&timeout=20"),
                        Map.of("Authorization", "Bearer " + jwt));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                return RedisE2e.JSON.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static double longPollsHeld(RunningGateway node) throws Exception {
        return Exposition.parse(node.get(node.admin("/metrics")).body()).value("rtgw_connections", "transport", "long_poll");
    }
}
