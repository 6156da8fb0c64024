package io.rtgw.server;

import static io.rtgw.server.RunningGateway.ACME_KEY;
import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server API of docs/protocol.md §7 end to end on the embedded broker: real HTTP to the admin
 * listener (every call checked against docs/openapi.yaml by {@link ApiClient}), real WebSocket,
 * SSE and long-poll clients on the public listener, real JWTs. Across nodes on Redis: the
 * subclasses of {@link ServerApiAcrossNodesContract}.
 */
class ServerApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reports come every 100 ms; this is for a machine that is very busy. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static RunningGateway node;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_REPORT_INTERVAL", "100ms", "RTGW_NODE_ID", "node-a",
                "RTGW_MAX_SUBSCRIPTIONS", "2000", "RTGW_COMMAND_RATE", "0"));
        api = new ApiClient(node, API_KEY);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The answer of a call that must succeed: a 0 or false read from an error body proves nothing. */
    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    private static WsClient subscribed(String user, String tenant, String channel) throws Exception {
        WsClient c = WsClient.connect(node.ws(), token(user, tenant, "room:*"));
        c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        c.subscribed(channel);
        return c;
    }

    @Test
    void disconnectClosesEveryConnectionOfTheUser4410OrWithReconnect4010() throws Exception {
        try (WsClient one = subscribed("dora", "acme", "room:d");
             WsClient two = subscribed("dora", "acme", "room:d");
             WsClient other = subscribed("ed", "acme", "room:d")) {
            HttpResponse<String> r = api.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"dora\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).path("disconnected").asInt()).isEqualTo(2);
            for (WsClient c : List.of(one, two)) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(4410);
                assertThat(c.closeReason).isEqualTo("disconnected");
            }
            assertThat(other.closeCode).as("another user keeps his connection").isEqualTo(-1);
        }
        try (WsClient c = subscribed("dora", "acme", "room:d")) {
            HttpResponse<String> r = api.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"dora\",\"reconnect\":true}");
            assertThat(json(r).path("disconnected").asInt()).isEqualTo(1);
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4010);
        }
        HttpResponse<String> none = api.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"nobody\"}");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).path("disconnected").asInt()).isZero();
    }

    @Test
    void disconnectOfOneClientLeavesTheUsersOtherConnections() throws Exception {
        try (WsClient one = subscribed("fay", "acme", "room:f");
             WsClient two = subscribed("fay", "acme", "room:f")) {
            String clientId = one.await("welcome", n -> true).path("client").asText();
            assertThat(clientId).isNotEmpty();
            HttpResponse<String> r = api.post("/api/disconnect",
                    "{\"tenant\":\"acme\",\"user\":\"fay\",\"client\":\"" + clientId + "\"}");
            assertThat(json(r).path("disconnected").asInt()).isEqualTo(1);
            one.awaitClose();
            assertThat(two.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void disconnectEndsAnSseStreamWithRtgwClose() throws Exception {
        for (boolean reconnect : List.of(false, true)) {
            try (SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of("room:s"), null)),
                    Map.of("Authorization", "Bearer " + token("gus", "acme", "room:*")))) {
                sse.connected();
                HttpResponse<String> r = api.post("/api/disconnect",
                        "{\"tenant\":\"acme\",\"user\":\"gus\",\"reconnect\":" + reconnect + "}");
                assertThat(json(r).path("disconnected").asInt()).isEqualTo(1);
                JsonNode close = sse.await("rtgw.close", e -> true).data();
                assertThat(close.path("reason").asText()).isEqualTo("disconnected");
                assertThat(close.path("reconnect").asBoolean()).isEqualTo(reconnect);
                sse.awaitEnd();
            }
        }
    }

    @Test
    void disconnectAnswersAHeldLongPoll() throws Exception {
        String jwt = token("lou", "acme", "room:*");
        for (boolean reconnect : List.of(false, true)) {
            var held = LongPolls.held(node, "acme", "lou", jwt, "room:lp2");
            HttpResponse<String> r = api.post("/api/disconnect",
                    "{\"tenant\":\"acme\",\"user\":\"lou\",\"reconnect\":" + reconnect + "}");
            assertThat(json(r).path("disconnected").asInt()).isEqualTo(1);
            JsonNode answer = LongPolls.answer(held);
            assertThat(answer.path("closed").asText()).isEqualTo("disconnected");
            assertThat(answer.path("reconnect").asBoolean()).isEqualTo(reconnect);
        }
    }

    @Test
    void aRevokedUsersNextLongPollIsRefused() throws Exception {
        String jwt = token("pat", "acme", "room:*");
        JsonNode first = RedisE2e.poll(node, jwt, List.of("room:lp"), null);
        assertThat(first.path("cursor").asText()).isNotEmpty();
        HttpResponse<String> revoked = api.post("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"pat\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(json(revoked).path("revoked").asInt()).as("no poll held: no connection to close").isZero();
        HttpResponse<String> refused = SseClient.get(node.pub(RedisE2e.sseQuery("/poll", List.of("room:lp"),
                first.path("cursor").asText()) + "&timeout=1"), Map.of("Authorization", "Bearer " + jwt));
        assertThat(refused.statusCode()).isEqualTo(401);
        api.delete("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"pat\"}");
    }

    @Test
    void tokensOlderThanTheMaximumAgeAreRefused() throws Exception {
        Map<String, Object> claims = new java.util.LinkedHashMap<>(Jwts.claims("quin", "acme"));
        claims.put("iat", Instant.now().getEpochSecond() - Duration.ofHours(25).toSeconds());
        try (WsClient old = WsClient.connect(node.ws(), Jwts.hs256(SECRET, claims))) {
            old.awaitClose();
            assertThat(old.closeCode).as("RTGW_MAX_TOKEN_AGE defaults to 24h").isEqualTo(4001);
        }
    }

    @Test
    void unsubscribeEndsTheUsersSubscriptionWithReasonServer() throws Exception {
        try (WsClient c = subscribed("hal", "acme", "room:u");
             SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of("room:u", "room:keep"), null)),
                     Map.of("Authorization", "Bearer " + token("hal", "acme", "room:*")))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:keep\"}");
            c.subscribed("room:keep");
            sse.connected();
            HttpResponse<String> r = api.post("/api/unsubscribe", "{\"tenant\":\"acme\",\"user\":\"hal\",\"channel\":\"room:u\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).path("unsubscribed").asInt()).as("the WebSocket's and the SSE stream's").isEqualTo(2);
            JsonNode u = c.await("unsubscribed", n -> n.path("channel").asText().equals("room:u"));
            assertThat(u.path("reason").asText()).isEqualTo("server");
            JsonNode sseUnsubscribed = sse.await("rtgw.unsubscribed", e -> true).data();
            assertThat(sseUnsubscribed.path("channel").asText()).isEqualTo("room:u");
            assertThat(sseUnsubscribed.path("reason").asText()).isEqualTo("server");
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:keep\",\"data\":\"still\"}");
            await().atMost(PATIENCE).until(() -> c.dataOf("room:keep").contains("\"still\"")
                    && sse.dataOf("room:keep").contains("\"still\""));
            assertThat(c.closeCode).isEqualTo(-1);
            assertThat(sse.ended).isFalse();
        }
        assertThat(ok(api.post("/api/unsubscribe", "{\"tenant\":\"acme\",\"user\":\"hal\",\"channel\":\"room:u\"}"))
                .path("unsubscribed").asInt()).isZero();
    }

    @Test
    void revokeClosesTheUserRefusesHisTokensListsItAndLiftAdmitsAgain() throws Exception {
        String old = token("ivy", "acme", "room:*");
        try (WsClient c = subscribed("ivy", "acme", "room:r")) {
            HttpResponse<String> r = api.post("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"ivy\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).path("revoked").asInt()).isEqualTo(1);
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4410);
            assertThat(c.closeReason).isEqualTo("revoked");
        }
        try (WsClient again = WsClient.connect(node.ws(), old)) {
            again.awaitClose();
            assertThat(again.closeCode).as("the revoked token is refused at connect").isIn(4401, 4410);
        }
        JsonNode list = json(api.get("/api/revocations?tenant=acme"));
        assertThat(list.path("revocations").findValuesAsText("user")).contains("ivy");
        assertThat(json(api.get("/api/revocations?tenant=beta")).path("revocations")).isEmpty();

        HttpResponse<String> lifted = api.delete("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"ivy\"}");
        assertThat(json(lifted).path("lifted").asBoolean()).isTrue();
        assertThat(ok(api.delete("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"ivy\"}")).path("lifted").asBoolean()).isFalse();
        try (WsClient admitted = WsClient.connect(node.ws(), old)) {
            assertThat(admitted.await("welcome", n -> true).path("user").asText()).isEqualTo("ivy");
        }
        assertThat(json(api.get("/api/revocations?tenant=acme")).path("revocations").findValuesAsText("user"))
                .doesNotContain("ivy");
    }

    @Test
    void revokeOfOneTokenByJtiLeavesTheUsersOtherTokens() throws Exception {
        long exp = Instant.now().getEpochSecond() + 600;
        Map<String, Object> claims = new java.util.LinkedHashMap<>(Jwts.claims("jo", "acme"));
        claims.put("jti", "token-1");
        String stolen = Jwts.hs256(SECRET, claims);
        try (WsClient s = WsClient.connect(node.ws(), stolen);
             WsClient fine = WsClient.connect(node.ws(), token("jo", "acme", "room:*"))) {
            s.await("welcome", n -> true);
            fine.await("welcome", n -> true);
            HttpResponse<String> r = api.post("/api/revoke", "{\"tenant\":\"acme\",\"jti\":\"token-1\",\"exp\":" + exp + "}");
            assertThat(json(r).path("revoked").asInt()).isEqualTo(1);
            s.awaitClose();
            assertThat(s.closeCode).isEqualTo(4410);
            assertThat(fine.closeCode).isEqualTo(-1);
        }
        JsonNode listed = json(api.get("/api/revocations?tenant=acme")).path("revocations");
        assertThat(listed.findValuesAsText("jti")).contains("token-1");
        assertThat(json(api.delete("/api/revoke", "{\"tenant\":\"acme\",\"jti\":\"token-1\"}")).path("lifted").asBoolean())
                .isTrue();
        HttpResponse<String> nobody = api.post("/api/revoke", "{\"tenant\":\"acme\",\"user\":\"nobody-here\"}");
        assertThat(nobody.statusCode()).as("revoking a user with no connections is no error: " + nobody.body()).isEqualTo(200);
        assertThat(json(nobody).path("revoked").asInt()).isZero();
    }

    @Test
    void channelsUsersAndInfoReflectTheClientsAfterAReport() throws Exception {
        try (WsClient a = subscribed("kim", "chan", "room:a");
             WsClient b = subscribed("lee", "chan", "room:a");
             WsClient c = subscribed("lee", "chan", "room:b")) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode channels = json(api.get("/api/channels?tenant=chan&prefix=room:")); // not the personal user: channels
                assertThat(channels.path("channels").toString())
                        .isEqualTo("[{\"channel\":\"room:a\",\"subscribers\":2},{\"channel\":\"room:b\",\"subscribers\":1}]");
            });
            assertThat(json(api.get("/api/channels?tenant=chan&prefix=room:b")).path("channels")).hasSize(1);
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode lee = json(api.get("/api/users/lee?tenant=chan"));
                assertThat(lee.path("online").asBoolean()).isTrue();
                assertThat(lee.path("connections").asInt()).isEqualTo(2);
                assertThat(lee.path("nodes").toString()).isEqualTo("[\"node-a\"]");
            });
            JsonNode nobody = json(api.get("/api/users/nobody?tenant=chan"));
            assertThat(nobody.path("online").asBoolean()).isFalse();
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode info = json(api.get("/api/info")).path("nodes");
                assertThat(info).hasSize(1);
                assertThat(info.get(0).path("id").asText()).isEqualTo("node-a");
                assertThat(info.get(0).path("connections").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(info.get(0).path("subscriptions").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(info.get(0).path("broker").asText()).isEqualTo("up");
                assertThat(info.get(0).path("version").asText()).isNotEqualTo("unknown").contains(".");
            });
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(json(api.get("/api/channels?tenant=chan")).path("channels")).isEmpty());
    }

    @Test
    void aUserIdWithAnyCharactersIsUrlDecoded() throws Exception {
        String user = "mo/x y?z+é";
        try (WsClient c = subscribed(user, "chan2", "room:m")) {
            String path = "/api/users/" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20") + "?tenant=chan2";
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(json(api.get(path)).path("connections").asInt()).isEqualTo(1));
        }
    }

    @Test
    void channelsArePagedByAnOpaqueCursor() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            WsClient c = WsClient.connect(node.ws(), token("pager", "paged", "room:*"));
            clients.add(c);
            for (int i = 0; i < 1005; i++) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:" + String.format("%04d", i) + "\"}");
            }
            c.subscribed("room:1004");
            await().atMost(PATIENCE.multipliedBy(2)).untilAsserted(() -> {
                JsonNode first = json(api.get("/api/channels?tenant=paged&prefix=room:"));
                assertThat(first.path("channels")).hasSize(1000);
                String cursor = first.path("cursor").asText();
                JsonNode second = json(api.get("/api/channels?tenant=paged&prefix=room:&cursor=" + cursor));
                assertThat(second.path("channels")).hasSize(5);
                assertThat(second.path("channels").get(0).path("channel").asText()).isEqualTo("room:1000");
                assertThat(second.has("cursor")).isFalse();
            });
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void historySnapshotThenSubscribeLosesNothingUnderConcurrentPublishing() throws Exception {
        for (int i = 0; i < 30; i++) {
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:h\",\"data\":" + i + "}");
        }
        JsonNode newest = json(api.get("/api/history?tenant=acme&channel=room:h&limit=5"));
        List<Integer> data = new ArrayList<>();
        newest.path("messages").forEach(m -> data.add(m.path("data").asInt()));
        assertThat(data).containsExactly(25, 26, 27, 28, 29);
        assertThat(newest.path("gap").asBoolean()).isFalse();
        assertThat(newest.path("position").asText()).isEqualTo(newest.path("messages").get(4).path("id").asText());

        AtomicBoolean publishing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> published = pool.submit(() -> {
            int n = 30;
            while (publishing.get()) {
                node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:h\",\"data\":" + n++ + "}");
            }
            return n;
        });
        try {
            await().atMost(PATIENCE).until(() -> json(api.get("/api/history?tenant=acme&channel=room:h&limit=1"))
                    .path("messages").get(0).path("data").asInt() > 40);
            JsonNode snapshot = json(api.get("/api/history?tenant=acme&channel=room:h&limit=20"));
            List<Integer> seen = new ArrayList<>();
            snapshot.path("messages").forEach(m -> seen.add(m.path("data").asInt()));
            String position = snapshot.path("position").asText();
            try (WsClient c = WsClient.connect(node.ws(), token("nia", "acme", "room:*"))) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:h\",\"since\":\"" + position + "\"}");
                c.subscribed("room:h");
                await().atMost(PATIENCE).until(() -> c.dataOf("room:h").size() > 20);
                publishing.set(false);
                int last = published.get() - 1;
                await().atMost(PATIENCE).until(() -> c.dataOf("room:h").contains(Integer.toString(last)));
                c.dataOf("room:h").forEach(d -> seen.add(Integer.parseInt(d)));
            }
            int first = seen.get(0);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("message %d of the snapshot and the subscription", i).isEqualTo(first + i);
            }
        } finally {
            publishing.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void historyFromAPositionAndFromAnUndecodableOneIsAGap() throws Exception {
        String id = json(node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:hs\",\"data\":\"a\"}")).path("id").asText();
        node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:hs\",\"data\":\"b\"}");
        JsonNode after = json(api.get("/api/history?tenant=acme&channel=room:hs&since=" + id));
        assertThat(after.path("messages")).hasSize(1);
        assertThat(after.path("messages").get(0).path("data").asText()).isEqualTo("b");
        assertThat(after.path("gap").asBoolean()).isFalse();
        JsonNode bad = json(api.get("/api/history?tenant=acme&channel=room:hs&since=nonsense"));
        assertThat(bad.path("gap").asBoolean()).isTrue();
        JsonNode empty = json(api.get("/api/history?tenant=acme&channel=room:never"));
        assertThat(empty.path("messages")).isEmpty();
        assertThat(empty.path("position").asText()).startsWith("0.");
    }

    @Test
    void everyFieldIsValidatedAndNamed() throws Exception {
        Map<String, String> posts = new java.util.LinkedHashMap<>();
        posts.put("{\"tenant\":\"acme\",\"user\":\"u\",\"extra\":1}", "extra");
        posts.put("{\"tenant\":\"acme\",\"user\":5}", "user");
        posts.put("{\"tenant\":\"ac me\",\"user\":\"u\"}", "tenant");
        posts.put("{\"user\":\"u\"}", "tenant");
        posts.put("{\"tenant\":\"acme\"}", "user");
        posts.put("{\"tenant\":\"acme\",\"user\":\"\"}", "user");
        posts.put("{\"tenant\":\"acme\",\"user\":\"" + "x".repeat(257) + "\"}", "user");
        posts.put("{\"tenant\":\"acme\",\"user\":\"u\",\"reconnect\":\"yes\"}", "reconnect");
        posts.put("{\"tenant\":\"acme\",\"user\":\"u\",\"client\":\"\"}", "client");
        for (var c : posts.entrySet()) {
            HttpResponse<String> r = api.post("/api/disconnect", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).path("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(json(r).path("error").asText()).isEqualTo("bad_request");
        }
        HttpResponse<String> badChannel = api.post("/api/unsubscribe", "{\"tenant\":\"acme\",\"user\":\"u\",\"channel\":\"room 1\"}");
        assertThat(json(badChannel).path("field").asText()).isEqualTo("channel");
        Map<String, String> revokes = new java.util.LinkedHashMap<>();
        revokes.put("{\"tenant\":\"acme\",\"user\":\"u\",\"before\":-5}", "before");
        revokes.put("{\"tenant\":\"acme\",\"user\":\"u\",\"before\":1.5}", "before");
        revokes.put("{\"tenant\":\"acme\",\"user\":\"u\",\"before\":99999999999999}", "before");
        revokes.put("{\"tenant\":\"acme\",\"jti\":\"t\"}", "exp");
        revokes.put("{\"tenant\":\"acme\",\"jti\":\"t\",\"exp\":\"soon\"}", "exp");
        revokes.put("{\"tenant\":\"acme\",\"user\":\"u\",\"jti\":\"t\",\"exp\":5}", "jti");
        revokes.put("{\"tenant\":\"acme\"}", "user");
        revokes.put("{\"tenant\":\"acme\",\"user\":\"u\",\"exp\":5}", "exp");
        for (var c : revokes.entrySet()) {
            HttpResponse<String> r = api.post("/api/revoke", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).path("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(json(api.get("/api/revocations?tenant=acme")).path("revocations").findValuesAsText("user"))
                .as("nothing of a refused request is applied").doesNotContain("u");
        Map<String, String> gets = new java.util.LinkedHashMap<>();
        gets.put("/api/history?tenant=acme&channel=room:h&limit=0", "limit");
        gets.put("/api/history?tenant=acme&channel=room:h&limit=1001", "limit");
        gets.put("/api/history?tenant=acme&channel=room:h&limit=ten", "limit");
        gets.put("/api/history?tenant=acme", "channel");
        gets.put("/api/history?tenant=acme&channel=room%201", "channel");
        gets.put("/api/history?channel=room:h", "tenant");
        gets.put("/api/channels?tenant=acme&cursor=!!", "cursor");
        gets.put("/api/channels?tenant=acme&page=2", "page");
        gets.put("/api/revocations?tenant=a%3Ab", "tenant");
        gets.put("/api/revocations?tenant=acme&tenant=beta", "tenant");
        gets.put("/api/users/x?tenant=", "tenant");
        for (var c : gets.entrySet()) {
            HttpResponse<String> r = api.get(c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).path("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        HttpResponse<String> notJson = api.send("POST", "/api/disconnect", "text/plain", "{\"tenant\":\"acme\",\"user\":\"u\"}");
        assertThat(notJson.statusCode()).isEqualTo(415);
        HttpResponse<String> broken = api.post("/api/revoke", "{\"tenant\":");
        assertThat(json(broken).path("error").asText()).isEqualTo("invalid_json");
        HttpResponse<String> twice = api.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"a\",\"user\":\"b\"}");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(json(twice).path("message").asText()).contains("twice");
        HttpResponse<String> array = api.post("/api/revoke", "[]");
        assertThat(array.statusCode()).isEqualTo(400);
    }

    @Test
    void aTenantKeyReachesOnlyItsTenantAndNoKeyNothing() throws Exception {
        ApiClient acme = api.as(ACME_KEY);
        assertThat(acme.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"nobody\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> other = acme.post("/api/disconnect", "{\"tenant\":\"beta\",\"user\":\"nobody\"}");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).path("error").asText()).isEqualTo("forbidden");
        assertThat(json(other).path("field").asText()).isEqualTo("tenant");
        assertThat(acme.post("/api/revoke", "{\"tenant\":\"beta\",\"user\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(acme.get("/api/revocations?tenant=beta").statusCode()).isEqualTo(403);
        assertThat(acme.get("/api/channels?tenant=beta").statusCode()).isEqualTo(403);
        assertThat(acme.get("/api/history?tenant=beta&channel=room:x").statusCode()).isEqualTo(403);
        assertThat(acme.get("/api/users/x?tenant=beta").statusCode()).isEqualTo(403);
        assertThat(acme.get("/api/info").statusCode()).isEqualTo(403);
        assertThat(json(api.get("/api/revocations?tenant=beta")).path("revocations")).isEmpty();
        assertThat(api.as(null).get("/api/info").statusCode()).isEqualTo(401);
        assertThat(api.as("wrong-key").post("/api/unsubscribe", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void methodsArePerPathAndPresenceNeedsAPresenceNamespace() throws Exception {
        HttpResponse<String> wrong = api.send("PUT", "/api/revoke", "application/json", "{}");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("DELETE, POST");
        assertThat(api.get("/api/disconnect").headers().firstValue("Allow")).hasValue("POST");
        // no namespace of this node has presence: true (PresenceIT covers one that has)
        HttpResponse<String> presence = api.get("/api/presence?tenant=acme&channel=room:1");
        assertThat(presence.statusCode()).isEqualTo(400);
        assertThat(json(presence).path("field").asText()).isEqualTo("channel");
        assertThat(json(presence).path("message").asText()).contains("presence is off");
        assertThat(api.get("/api/presence/stats?tenant=acme&channel=room:1").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/presence?tenant=acme").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/users/?tenant=acme").statusCode()).isEqualTo(404);
    }

    @Test
    void publishRefusalsNameTheirFieldAndCallsAreCounted() throws Exception {
        HttpResponse<String> r = api.post("/api/publish", "{\"tenant\":\"acme\",\"channel\":\"room 1\",\"data\":1}");
        assertThat(json(r).path("field").asText()).isEqualTo("channel");
        assertThat(api.post("/api/publish", "{\"tenant\":\"acme\",\"channel\":\"room:c\",\"data\":1}").statusCode()).isEqualTo(200);
        api.post("/api/disconnect", "{\"tenant\":\"acme\",\"user\":\"nobody\"}");
        HttpResponse<String> big = api.post("/api/publish",
                "{\"tenant\":\"acme\",\"channel\":\"room:c\",\"data\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(json(big).path("error").asText()).isEqualTo("too_large");
        String metrics = node.get(node.admin("/metrics")).body();
        assertThat(metrics).containsPattern("rtgw_api_requests_total\\{endpoint=\"publish\",result=\"200\"[^}]*\\} [1-9]")
                .containsPattern("rtgw_api_requests_total\\{endpoint=\"publish\",result=\"400\"[^}]*\\} [1-9]")
                .containsPattern("rtgw_api_requests_total\\{endpoint=\"disconnect\",result=\"200\"[^}]*\\} [1-9]")
                .containsPattern("rtgw_api_requests_total\\{endpoint=\"publish\",result=\"413\"[^}]*\\} [1-9]");
    }
}
