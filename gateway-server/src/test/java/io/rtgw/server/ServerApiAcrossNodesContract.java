package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The server API of docs/protocol.md §7 across nodes, written once and run on each kind of Redis
 * (one subclass per kind): two nodes share the Redis, every call goes to node A through
 * {@link ApiClient} (checked against docs/openapi.yaml), and its effect is asserted on real
 * WebSocket, SSE and long-poll clients of node B (and A). The nodes are shared by the tests of
 * a class; each test has its own tenant, so they cannot see each other's clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
abstract class ServerApiAcrossNodesContract {
    /** For a machine that is very busy: reports come every {@link #REPORT_INTERVAL}. */
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Duration REPORT_INTERVAL = Duration.ofMillis(200);
    /** The report hash of the default prefix (docs/scaling.md, "Control plane keys in Redis"). */
    static final String NODES_KEY = "rtgw:{~cluster}:nodes";

    FaultRig rig;

    abstract RedisServerExtension redis();

    abstract String redisUrl();

    /** One command to the Redis (the cluster follows redirects). */
    abstract String cli(String... args);

    @BeforeAll
    void startNodes() throws Exception {
        rig = FaultRig.start(redisUrl(), 2, "RTGW_REPORT_INTERVAL", REPORT_INTERVAL.toMillis() + "ms");
    }

    @AfterAll
    void stopNodes() {
        if (rig != null) {
            rig.close();
        }
    }

    RunningGateway a() {
        return rig.nodes.get(0);
    }

    RunningGateway b() {
        return rig.nodes.get(1);
    }

    static ApiClient api(RunningGateway node) {
        return new ApiClient(node, API_KEY);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return RedisE2e.JSON.readTree(r.body());
    }

    /** A JSON body from names and values (strings, numbers, booleans). */
    static String body(Object... namesAndValues) {
        ObjectNode o = RedisE2e.JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.set((String) namesAndValues[i], RedisE2e.JSON.valueToTree(namesAndValues[i + 1]));
        }
        return o.toString();
    }

    /** A call answered 200, its answer. */
    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static WsClient welcomed(RunningGateway node, String token) throws Exception {
        WsClient c = WsClient.connect(node.ws(), token);
        c.await("welcome", n -> true);
        return c;
    }

    static WsClient subscribed(RunningGateway node, String token, String... channels) throws Exception {
        WsClient c = welcomed(node, token);
        for (String channel : channels) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            c.subscribed(channel);
        }
        return c;
    }

    static SseClient sse(RunningGateway node, String token, String... channels) throws Exception {
        SseClient s = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of(channels), null)),
                Map.of("Authorization", "Bearer " + token));
        s.connected();
        return s;
    }

    static void closedWith(WsClient c, int code, String reason) {
        c.awaitClose();
        assertThat(c.closeCode).isEqualTo(code);
        assertThat(c.closeReason).isEqualTo(reason);
    }

    static void sseClosedWith(SseClient s, String reason, boolean reconnect) {
        JsonNode close = s.await("rtgw.close", e -> true).data();
        assertThat(close.path("reason").asText()).isEqualTo(reason);
        assertThat(close.path("reconnect").asBoolean()).isEqualTo(reconnect);
        s.awaitEnd();
    }

    /** A revoked token is refused from the first connection on: WebSocket, SSE and long-poll. */
    static void refusesAsRevoked(RunningGateway node, String token) throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token)) {
            closedWith(c, 4410, "revoked");
            assertThat(c.ofType("welcome")).isEmpty();
        }
        for (String path : List.of("/sse?channel=room:r", "/poll?channel=room:r")) {
            HttpResponse<String> r = SseClient.get(node.pub(path), Map.of("Authorization", "Bearer " + token));
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(json(r).path("error").asText()).as(path).isEqualTo("revoked");
        }
    }

    static boolean admits(RunningGateway node, String token) throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token)) {
            await().atMost(PATIENCE).until(() -> !c.ofType("welcome").isEmpty() || c.closeCode != -1);
            return !c.ofType("welcome").isEmpty();
        }
    }

    /** Node ids listed by {@code GET /api/info} asked of {@code node}. */
    static Set<String> infoIds(RunningGateway node) throws Exception {
        Set<String> ids = new TreeSet<>();
        ok(api(node).get("/api/info")).path("nodes").forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    @Test
    void disconnectThroughOneNodeEndsTheUsersConnectionsOnBothOnEveryTransport() throws Exception {
        String tenant = redis().tenant();
        String token = token("dora", tenant, "room:*");
        try (WsClient onA = subscribed(a(), token, "room:d");
             WsClient onB = subscribed(b(), token, "room:d");
             SseClient sseOnB = sse(b(), token, "room:d");
             WsClient bystander = subscribed(b(), token("ed", tenant, "room:*"), "room:d")) {
            CompletableFuture<HttpResponse<String>> held = LongPolls.held(b(), tenant, "dora", token, "room:d");

            JsonNode r = ok(api(a()).post("/api/disconnect", body("tenant", tenant, "user", "dora")));

            assertThat(r.path("disconnected").asInt()).as("both nodes' connections, the held poll's too").isEqualTo(4);
            closedWith(onA, 4410, "disconnected");
            closedWith(onB, 4410, "disconnected");
            sseClosedWith(sseOnB, "disconnected", false);
            JsonNode polled = LongPolls.answer(held);
            assertThat(polled.path("closed").asText()).isEqualTo("disconnected");
            assertThat(polled.path("reconnect").asBoolean()).isFalse();
            assertThat(bystander.closeCode).as("another user keeps his connection").isEqualTo(-1);
        }
        assertThat(ok(api(a()).post("/api/disconnect", body("tenant", tenant, "user", "nobody"))).path("disconnected").asInt())
                .as("a user with no connections is no error").isZero();
    }

    @Test
    void disconnectWithReconnectClosesTheOtherNodesClients4010AndTellsThemToComeBack() throws Exception {
        String tenant = redis().tenant();
        String token = token("finn", tenant, "room:*");
        try (WsClient onB = subscribed(b(), token, "room:f");
             SseClient sseOnB = sse(b(), token, "room:f")) {
            CompletableFuture<HttpResponse<String>> held = LongPolls.held(b(), tenant, "finn", token, "room:f");

            JsonNode r = ok(api(a()).post("/api/disconnect", body("tenant", tenant, "user", "finn", "reconnect", true)));

            assertThat(r.path("disconnected").asInt()).isEqualTo(3);
            closedWith(onB, 4010, "disconnected");
            sseClosedWith(sseOnB, "disconnected", true);
            JsonNode polled = LongPolls.answer(held);
            assertThat(polled.path("closed").asText()).isEqualTo("disconnected");
            assertThat(polled.path("reconnect").asBoolean()).isTrue();
        }
        assertThat(admits(b(), token)).as("told once: the same token comes back").isTrue();
    }

    @Test
    void disconnectOfOneClientReachesThatConnectionOnTheOtherNodeOnly() throws Exception {
        String tenant = redis().tenant();
        String token = token("fay", tenant, "room:*");
        try (WsClient target = welcomed(b(), token);
             WsClient sameNode = welcomed(b(), token);
             WsClient onA = welcomed(a(), token)) {
            String client = target.ofType("welcome").get(0).path("client").asText();
            assertThat(client).isNotEmpty();

            JsonNode r = ok(api(a()).post("/api/disconnect", body("tenant", tenant, "user", "fay", "client", client)));

            assertThat(r.path("disconnected").asInt()).isEqualTo(1);
            closedWith(target, 4410, "disconnected");
            assertThat(sameNode.closeCode).isEqualTo(-1);
            assertThat(onA.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void unsubscribeThroughOneNodeEndsTheChannelForTheUsersClientsOnBoth() throws Exception {
        String tenant = redis().tenant();
        String token = token("hal", tenant, "room:*");
        try (WsClient onA = subscribed(a(), token, "room:u");
             WsClient onB = subscribed(b(), token, "room:u", "room:keep");
             SseClient sseOnB = sse(b(), token, "room:u", "room:keep")) {
            CompletableFuture<HttpResponse<String>> held = LongPolls.held(b(), tenant, "hal", token, "room:u");

            JsonNode r = ok(api(a()).post("/api/unsubscribe", body("tenant", tenant, "user", "hal", "channel", "room:u")));

            assertThat(r.path("unsubscribed").asInt()).isEqualTo(4);
            for (WsClient c : List.of(onA, onB)) {
                JsonNode u = c.await("unsubscribed", n -> n.path("channel").asText().equals("room:u"));
                assertThat(u.path("reason").asText()).isEqualTo("server");
            }
            JsonNode sseUnsubscribed = sseOnB.await("rtgw.unsubscribed", e -> true).data();
            assertThat(sseUnsubscribed.path("channel").asText()).isEqualTo("room:u");
            assertThat(sseUnsubscribed.path("reason").asText()).isEqualTo("server");
            assertThat(LongPolls.items(LongPolls.answer(held))).singleElement().satisfies(i -> {
                assertThat(i.path("type").asText()).isEqualTo("unsubscribed");
                assertThat(i.path("channel").asText()).isEqualTo("room:u");
                assertThat(i.path("reason").asText()).isEqualTo("server");
            });

            // the connections go on with their other channel
            ok(api(a()).post("/api/publish", body("tenant", tenant, "channel", "room:keep", "data", "still")));
            await().atMost(PATIENCE).until(() -> onB.dataOf("room:keep").contains("\"still\"")
                    && sseOnB.dataOf("room:keep").contains("\"still\""));
            assertThat(List.of(onA.closeCode, onB.closeCode)).containsOnly(-1);
            assertThat(sseOnB.ended).isFalse();
        }
    }

    @Test
    void revokingAUserClosesHisConnectionsOnBothNodesRefusesHimAndLiftingThroughTheOtherAdmitsAgain()
            throws Exception {
        String tenant = redis().tenant();
        String token = token("ivy", tenant, "room:*");
        try (WsClient onA = welcomed(a(), token);
             WsClient onB = welcomed(b(), token);
             SseClient sseOnB = sse(b(), token, "room:r")) {
            CompletableFuture<HttpResponse<String>> held = LongPolls.held(b(), tenant, "ivy", token, "room:r");

            JsonNode r = ok(api(a()).post("/api/revoke", body("tenant", tenant, "user", "ivy")));

            assertThat(r.path("revoked").asInt()).isEqualTo(4);
            closedWith(onA, 4410, "revoked");
            closedWith(onB, 4410, "revoked");
            sseClosedWith(sseOnB, "revoked", false);
            JsonNode polled = LongPolls.answer(held);
            assertThat(polled.path("closed").asText()).isEqualTo("revoked");
            assertThat(polled.path("reconnect").asBoolean()).isFalse();
        }
        refusesAsRevoked(b(), token);
        assertThat(ok(api(b()).get("/api/revocations?tenant=" + tenant)).path("revocations").findValuesAsText("user"))
                .containsExactly("ivy");

        assertThat(ok(api(b()).delete("/api/revoke", body("tenant", tenant, "user", "ivy"))).path("lifted").asBoolean())
                .isTrue();
        await().atMost(PATIENCE).until(() -> admits(a(), token));
        assertThat(admits(b(), token)).isTrue();
        assertThat(ok(api(a()).get("/api/revocations?tenant=" + tenant)).path("revocations")).isEmpty();
    }

    @Test
    void revokingOneTokenByJtiClosesItOnBothNodesAndLeavesTheUsersOtherTokens() throws Exception {
        String tenant = redis().tenant();
        Map<String, Object> claims = new LinkedHashMap<>(Jwts.claims("jo", tenant));
        claims.put("jti", "stolen-1");
        String stolen = Jwts.hs256(SECRET, claims);
        long exp = ((Number) claims.get("exp")).longValue();
        try (WsClient onB = welcomed(b(), stolen);
             SseClient sseOnA = sse(a(), stolen, "room:j");
             WsClient fine = welcomed(b(), token("jo", tenant, "room:*"))) {

            JsonNode r = ok(api(a()).post("/api/revoke", body("tenant", tenant, "jti", "stolen-1", "exp", exp)));

            assertThat(r.path("revoked").asInt()).isEqualTo(2);
            closedWith(onB, 4410, "revoked");
            sseClosedWith(sseOnA, "revoked", false);
            assertThat(fine.closeCode).isEqualTo(-1);
        }
        refusesAsRevoked(b(), stolen);
        JsonNode listed = ok(api(b()).get("/api/revocations?tenant=" + tenant)).path("revocations");
        assertThat(listed.findValuesAsText("jti")).containsExactly("stolen-1");
        assertThat(listed.get(0).path("exp").asLong()).isEqualTo(exp);

        assertThat(ok(api(b()).delete("/api/revoke", body("tenant", tenant, "jti", "stolen-1"))).path("lifted").asBoolean())
                .isTrue();
        await().atMost(PATIENCE).until(() -> admits(a(), stolen));
    }

    @Test
    void aRevocationMadeWhileANodeIsDownIsEnforcedByItsSuccessorFromItsFirstConnection() throws Exception {
        String tenant = redis().tenant();
        String token = token("ned", tenant, "room:*");
        String stoppedId = b().gateway.nodeId();
        await().atMost(PATIENCE).until(() -> infoIds(a()).contains(stoppedId));
        rig.stop(1);
        await("a stopped node leaves info").atMost(PATIENCE).until(() -> !infoIds(a()).contains(stoppedId));

        assertThat(ok(api(a()).post("/api/revoke", body("tenant", tenant, "user", "ned"))).path("revoked").asInt()).isZero();
        RunningGateway successor = rig.replace(1);

        refusesAsRevoked(successor, token);
        assertThat(ok(api(successor).get("/api/revocations?tenant=" + tenant)).path("revocations")
                .findValuesAsText("user")).containsExactly("ned");
        assertThat(ok(api(successor).delete("/api/revoke", body("tenant", tenant, "user", "ned"))).path("lifted")
                .asBoolean()).isTrue();
        await().atMost(PATIENCE).until(() -> admits(a(), token));
        assertThat(admits(successor, token)).isTrue();
    }

    @Test
    void channelsUsersAndInfoSumUpBothNodes() throws Exception {
        String tenant = redis().tenant();
        String kim = token("kim", tenant, "room:*");
        String lee = token("lee", tenant, "room:*");
        try (WsClient kimOnA = subscribed(a(), kim, "room:a");
             WsClient leeOnA = subscribed(a(), lee, "room:a");
             WsClient leeOnB = subscribed(b(), lee, "room:a");
             SseClient leeSseOnB = sse(b(), lee, "room:b")) {
            String idA = a().gateway.nodeId();
            String idB = b().gateway.nodeId();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                    ok(api(a()).get("/api/channels?tenant=" + tenant + "&prefix=room:")).path("channels").toString())
                    .isEqualTo("[{\"channel\":\"room:a\",\"subscribers\":3},{\"channel\":\"room:b\",\"subscribers\":1}]"));
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode user = ok(api(a()).get("/api/users/lee?tenant=" + tenant));
                assertThat(user.path("online").asBoolean()).isTrue();
                assertThat(user.path("connections").asInt()).isEqualTo(3);
                List<String> nodes = new ArrayList<>();
                user.path("nodes").forEach(n -> nodes.add(n.asText()));
                assertThat(nodes).containsExactlyInAnyOrder(idA, idB);
            });
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode kimUser = ok(api(b()).get("/api/users/kim?tenant=" + tenant));
                assertThat(kimUser.path("nodes").toString()).isEqualTo("[\"" + idA + "\"]");
            });
            await().atMost(PATIENCE).untilAsserted(() -> {
                Map<String, JsonNode> ours = new LinkedHashMap<>();
                ok(api(b()).get("/api/info")).path("nodes").forEach(n -> ours.put(n.path("id").asText(), n));
                assertThat(ours).containsKeys(idA, idB);
                assertThat(ours.get(idA).path("connections").asInt()).isGreaterThanOrEqualTo(2);
                assertThat(ours.get(idB).path("connections").asInt()).isGreaterThanOrEqualTo(2);
                for (String id : List.of(idA, idB)) {
                    assertThat(ours.get(id).path("broker").asText()).isEqualTo("up");
                    assertThat(ours.get(id).path("draining").asBoolean()).isFalse();
                }
            });
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                ok(api(b()).get("/api/channels?tenant=" + tenant)).path("channels")).isEmpty());
        assertThat(ok(api(b()).get("/api/users/lee?tenant=" + tenant)).path("online").asBoolean()).isFalse();
    }

    /**
     * A node that stops reporting without an orderly stop (killed, cut off): its last report
     * counts for 3 intervals, then no more. A report written here stands for it, so the check
     * does not depend on how fast this machine runs.
     */
    @Test
    void infoCountsANodeAsLiveForThreeIntervalsAfterItsLastReport() throws Exception {
        String ghost = "ghost-" + redis().tenant();
        long now = System.currentTimeMillis();
        try {
            cli("HSET", NODES_KEY, ghost, report(ghost, now + Duration.ofMinutes(5).toMillis()));
            assertThat(infoIds(a())).contains(ghost);
            cli("HSET", NODES_KEY, ghost, report(ghost, now - REPORT_INTERVAL.multipliedBy(3).toMillis() - 1));
            assertThat(infoIds(b())).doesNotContain(ghost);
        } finally {
            cli("HDEL", NODES_KEY, ghost);
        }
    }

    private static String report(String id, long reportedAt) {
        return body("id", id, "version", "0.0.0", "startedAt", reportedAt / 1000 - 60, "connections", 0,
                "subscriptions", 0, "brokerUp", true, "draining", false, "reportedAt", reportedAt);
    }

    /**
     * Snapshot-then-subscribe (docs/protocol.md §7) across nodes while an app publishes through
     * node A: the snapshot read through node B plus what a client of node B gets from its
     * position is every message from the snapshot's first on, in order, none twice.
     */
    @Test
    void historySnapshotThenSubscribeOnTheOtherNodeLosesNothingUnderConcurrentPublishing() throws Exception {
        String tenant = redis().tenant();
        for (int i = 0; i < 30; i++) {
            ok(api(a()).post("/api/publish", body("tenant", tenant, "channel", "room:h", "data", i)));
        }
        AtomicBoolean publishing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> published = pool.submit(() -> {
            int n = 30;
            while (publishing.get()) {
                HttpResponse<String> r = api(a()).post("/api/publish", body("tenant", tenant, "channel", "room:h", "data", n));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                n++;
            }
            return n;
        });
        try {
            String newest = "/api/history?tenant=" + tenant + "&channel=room:h&limit=1";
            await().atMost(PATIENCE).until(() -> ok(api(b()).get(newest)).path("messages").get(0).path("data").asInt() > 40);
            JsonNode snapshot = ok(api(b()).get("/api/history?tenant=" + tenant + "&channel=room:h&limit=20"));
            assertThat(snapshot.path("gap").asBoolean()).isFalse();
            List<Integer> seen = new ArrayList<>();
            snapshot.path("messages").forEach(m -> seen.add(m.path("data").asInt()));
            assertThat(seen).hasSize(20);
            String position = snapshot.path("position").asText();
            try (WsClient c = welcomed(b(), token("nia", tenant, "room:*"))) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:h\",\"since\":\"" + position + "\"}");
                c.subscribed("room:h");
                await().atMost(PATIENCE).until(() -> c.dataOf("room:h").size() > 20);
                publishing.set(false);
                int last = published.get(60, TimeUnit.SECONDS) - 1;
                await().atMost(PATIENCE).until(() -> c.dataOf("room:h").contains(Integer.toString(last)));
                assertThat(c.ofType("gap")).isEmpty();
                c.dataOf("room:h").forEach(d -> seen.add(Integer.parseInt(d)));
                int first = seen.get(0);
                List<Integer> expected = new ArrayList<>();
                for (int n = first; n <= last; n++) {
                    expected.add(n);
                }
                assertThat(seen).as("the snapshot, then the subscription").containsExactlyElementsOf(expected);
            }
        } finally {
            publishing.set(false);
            pool.shutdownNow();
        }
    }
}
