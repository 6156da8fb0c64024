package io.rtgw.server;

import static io.rtgw.server.HookConnectIT.hookRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.server.HookServer.Answer;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import io.rtgw.testkit.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RTGW_SUBSCRIBE_HOOK} with {@code subscribe_hook: true} (docs/protocol.md §11): asked only
 * about channels the grants do not cover, on every transport; allows cached for their ttl and
 * forgotten when the server API unsubscribes the user, on every node.
 */
class HookSubscribeIT {
    static final String NAMESPACES = "namespaces:\n  doc: { subscribe_hook: true }\n  chat: { publish_hook: true }\n";
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    @TempDir
    Path dir;
    private final HookServer app;
    private final List<RunningGateway> nodes = new java.util.ArrayList<>();

    HookSubscribeIT() throws Exception {
        app = new HookServer();
    }

    @AfterEach
    void stop() {
        nodes.forEach(RunningGateway::close);
        app.close();
    }

    private RunningGateway node(Map<String, String> extra) throws Exception {
        Path config = dir.resolve("rtgw.yml");
        Files.writeString(config, NAMESPACES);
        Map<String, String> env = new HashMap<>(Map.of("RTGW_SUBSCRIBE_HOOK", app.url("/subscribe").toString(),
                "RTGW_HOOK_TIMEOUT", "500ms"));
        env.putAll(extra);
        RunningGateway node = new RunningGateway(config, env);
        nodes.add(node);
        return node;
    }

    private static String alice() {
        return RunningGateway.token("alice", "acme", "room:*");
    }

    private static JsonNode subscribe(WsClient c, String channel, String ref) {
        c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"" + ref + "\"}");
        return answerTo(c, ref);
    }

    /** The first message carrying {@code ref}, whatever its type. */
    static JsonNode answerTo(WsClient c, String ref) {
        await().atMost(WsClient.PATIENCE).until(() -> c.received.stream().anyMatch(n -> ref.equals(n.path("ref").asText())));
        return c.received.stream().filter(n -> ref.equals(n.path("ref").asText())).findFirst().orElseThrow();
    }

    private static JsonNode unsubscribe(WsClient c, String channel, String ref) {
        c.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\",\"ref\":\"" + ref + "\"}");
        return answerTo(c, ref);
    }

    @Test
    void theAppDecidesAboutChannelsTheGrantsDoNotCover() throws Exception {
        app.answer("/subscribe", s -> Answer.ok(s.body().contains("\"doc:1\"") ? "{\"allow\":true}" : "{\"allow\":false}"));
        RunningGateway node = node(Map.of());
        try (WsClient c = WsClient.connect(node.ws(), alice())) {
            c.await("welcome", n -> true);
            assertThat(subscribe(c, "room:1", "a").path("type").asText()).isEqualTo("subscribed");
            assertThat(app.seen("/subscribe")).as("granted: the app is not asked").isEmpty();
            assertThat(subscribe(c, "doc:1", "b").path("type").asText()).isEqualTo("subscribed");
            JsonNode refused = subscribe(c, "doc:2", "c");
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.path("temporary").asBoolean()).isFalse();
            assertThat(refused.path("channel").asText()).isEqualTo("doc:2");
            // a namespace without subscribe_hook is refused by the grants alone
            assertThat(subscribe(c, "secret:1", "d").path("code").asText()).isEqualTo("forbidden");
            assertThat(app.seen("/subscribe")).hasSize(2);

            JsonNode asked = HookConnectIT.JSON.readTree(app.seen("/subscribe").get(0).body());
            assertThat(asked.path("tenant").asText()).isEqualTo("acme");
            assertThat(asked.path("user").asText()).isEqualTo("alice");
            assertThat(asked.path("channel").asText()).isEqualTo("doc:1");
            assertThat(asked.path("client").asText()).isEqualTo(c.ofType("welcome").get(0).path("client").asText());
            assertThat(asked.has("info")).isTrue();

            node.publish(RunningGateway.API_KEY, "{\"tenant\":\"acme\",\"channel\":\"doc:1\",\"data\":\"hello\"}");
            await().until(() -> c.dataOf("doc:1").contains("\"hello\""));
        }
        assertThat(hookRequests(node, "subscribe", "allowed")).isEqualTo(1);
        assertThat(hookRequests(node, "subscribe", "refused")).isEqualTo(1);
    }

    @Test
    void streamsAskTheAppAboutTheirChannelsBeforeTheyStart() throws Exception {
        app.answer("/subscribe", s -> Answer.ok(s.body().contains("\"doc:1\"") ? "{\"allow\":true}" : "{\"allow\":false}"));
        RunningGateway node = node(Map.of());
        Map<String, String> auth = Map.of("Authorization", "Bearer " + alice());
        try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1&channel=doc:1"), auth)) {
            assertThat(s.status).isEqualTo(200);
            s.connected();
            node.publish(RunningGateway.API_KEY, "{\"tenant\":\"acme\",\"channel\":\"doc:1\",\"data\":\"hello\"}");
            await().until(() -> s.dataOf("doc:1").contains("\"hello\""));
        }
        assertThat(SseClient.get(node.pub("/poll?channel=doc:1"), auth).statusCode()).isEqualTo(200);
        assertThat(SseClient.get(node.pub("/sse?channel=doc:2"), auth).statusCode()).isEqualTo(403);
        assertThat(SseClient.get(node.pub("/poll?channel=doc:1&channel=doc:2"), auth).statusCode()).isEqualTo(403);
        assertThat(HookConnectIT.JSON.readTree(app.seen("/subscribe").get(0).body()).path("client").isNull()).isTrue();

        app.answer("/subscribe", s -> Answer.status(502));
        try (SseClient s = SseClient.open(node.pub("/sse?channel=doc:1"), auth)) {
            assertThat(s.status).isEqualTo(200);
            assertThat(s.await("rtgw.close", e -> true).data().path("reason").asText()).isEqualTo("unavailable");
        }
        var poll = SseClient.get(node.pub("/poll?channel=doc:1"), auth);
        assertThat(poll.statusCode()).isEqualTo(503);
        assertThat(poll.body()).contains("unavailable");
    }

    @Test
    void noAnswerIsATemporaryErrorAndLaterCommandsWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.answer("/subscribe", s -> new Answer(200, "{\"allow\":true}", () -> HookConnectIT.hold(release)));
        RunningGateway node = node(Map.of());
        try (WsClient c = WsClient.connect(node.ws(), alice())) {
            c.await("welcome", n -> true);
            JsonNode slow = subscribe(c, "doc:1", "a");
            assertThat(slow.path("code").asText()).isEqualTo("unavailable");
            assertThat(slow.path("temporary").asBoolean()).isTrue();
            assertThat(hookRequests(node, "subscribe", "timeout")).isEqualTo(1);

            // behind a subscribe the app is asked about, the next commands wait their turn
            app.answer("/subscribe", s -> new Answer(200, "{\"allow\":true}", () -> HookConnectIT.hold(release)));
            c.send("{\"type\":\"subscribe\",\"channel\":\"doc:2\",\"ref\":\"b\"}");
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\",\"ref\":\"c\"}");
            await().until(() -> app.seen("/subscribe").size() == 2);
            release.countDown();
            answerTo(c, "c");
            List<String> refs = c.received.stream().map(n -> n.path("ref").asText()).filter(r -> r.equals("b") || r.equals("c"))
                    .toList();
            assertThat(refs).containsExactly("b", "c");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAllowIsCachedForItsTtlThenAskedAgain() throws Exception {
        app.answer("/subscribe", s -> Answer.ok("{\"allow\":true,\"ttl\":2}"));
        RunningGateway node = node(Map.of());
        try (WsClient c = WsClient.connect(node.ws(), alice()); WsClient d = WsClient.connect(node.ws(), alice())) {
            c.await("welcome", n -> true);
            d.await("welcome", n -> true);
            assertThat(subscribe(c, "doc:1", "a").path("type").asText()).isEqualTo("subscribed");
            assertThat(unsubscribe(c, "doc:1", "b").path("type").asText()).isEqualTo("unsubscribed");
            assertThat(subscribe(c, "doc:1", "c").path("type").asText()).isEqualTo("subscribed");
            assertThat(subscribe(d, "doc:1", "d").path("type").asText()).isEqualTo("subscribed");
            assertThat(app.seen("/subscribe")).as("within the ttl nobody asks").hasSize(1);
            int[] round = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                round[0]++;
                unsubscribe(c, "doc:1", "u" + round[0]);
                subscribe(c, "doc:1", "s" + round[0]);
                return app.seen("/subscribe").size() == 2;
            });
        }
    }

    @Test
    void anUnsubscribeByTheServerApiForgetsTheCachedAllowOnEveryNode() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>("{\"allow\":true,\"ttl\":3600}");
        app.answer("/subscribe", s -> Answer.ok(answer.get()));
        String tenant = redis.tenant();
        // admitted by the app too: connect and subscribe hooks on the Redis store
        app.answer("/connect", s -> Answer.ok("{\"user\":\"alice\",\"tenant\":\"" + tenant + "\"}"));
        Map<String, String> onRedis = Map.of("RTGW_REDIS_URL", redis.server().uri(),
                "RTGW_CONNECT_HOOK", app.url("/connect").toString());
        RunningGateway a = node(onRedis);
        RunningGateway b = node(onRedis);
        try (WsClient c = WsClient.connect(a.ws(), Map.of("Cookie", "sid=alice"), true, "rtgw.v1")) {
            c.await("welcome", n -> true);
            assertThat(subscribe(c, "doc:1", "a").path("type").asText()).isEqualTo("subscribed");
            assertThat(unsubscribe(c, "doc:1", "b").path("type").asText()).isEqualTo("unsubscribed");
            assertThat(subscribe(c, "doc:1", "c").path("type").asText()).isEqualTo("subscribed");
            assertThat(app.seen("/subscribe")).hasSize(1);

            // the app takes the permission away and ends the subscription through the other node
            answer.set("{\"allow\":false}");
            var r = new ApiClient(b, RunningGateway.API_KEY).post("/api/unsubscribe",
                    "{\"tenant\":\"" + tenant + "\",\"user\":\"alice\",\"channel\":\"doc:1\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            c.await("unsubscribed", n -> n.path("channel").asText().equals("doc:1") && n.path("reason").asText().equals("server"));
            assertThat(subscribe(c, "doc:1", "d").path("code").asText()).isEqualTo("forbidden");
            assertThat(app.seen("/subscribe")).hasSize(2);
            assertThat(app.seen("/connect")).hasSize(1);
        }
    }
}
