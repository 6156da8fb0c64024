package io.rtgw.server;

import static io.rtgw.server.HookConnectIT.hookRequests;
import static io.rtgw.server.HookSubscribeIT.answerTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.auth.DevTokens;
import io.rtgw.server.HookServer.Answer;
import io.rtgw.transport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RTGW_PUBLISH_HOOK} with {@code publish_hook: true} (docs/protocol.md §11): every client
 * publish there goes to the app first, which allows (possibly replacing the data) or refuses;
 * publishes keep the order they were sent in, whatever the app's answer times.
 */
class HookPublishIT {
    @TempDir
    Path dir;
    private final HookServer app;
    private RunningGateway node;

    HookPublishIT() throws Exception {
        app = new HookServer();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        app.close();
    }

    private RunningGateway node() throws Exception {
        Path config = dir.resolve("rtgw.yml");
        Files.writeString(config, HookSubscribeIT.NAMESPACES);
        node = new RunningGateway(config, Map.of("RTGW_PUBLISH_HOOK", app.url("/publish").toString(),
                "RTGW_HOOK_TIMEOUT", "500ms"));
        return node;
    }

    /** May read chat and room, publish to room only: in chat the app decides. */
    private WsClient client() throws Exception {
        String jwt = DevTokens.hs256(RunningGateway.SECRET, "alice", "acme", List.of("chat:*", "room:*"),
                List.of("room:*"), Duration.ofMinutes(10));
        WsClient c = WsClient.connect(node.ws(), jwt);
        c.await("welcome", n -> true);
        c.send("{\"type\":\"subscribe\",\"channel\":\"chat:1\"}");
        c.subscribed("chat:1");
        return c;
    }

    private static JsonNode publish(WsClient c, String channel, String data, String ref) {
        c.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"event\":\"said\",\"data\":" + data
                + ",\"ref\":\"" + ref + "\"}");
        return answerTo(c, ref);
    }

    @Test
    void theAppMayReplaceTheDataOrRefuse() throws Exception {
        app.answer("/publish", s -> {
            try {
                JsonNode asked = HookConnectIT.JSON.readTree(s.body());
                String text = asked.path("data").path("text").asText();
                return text.contains("spam") ? Answer.ok("{\"allow\":false}")
                        : Answer.ok("{\"allow\":true,\"data\":{\"text\":\"" + text.toUpperCase() + "\"}}");
            } catch (Exception e) {
                return Answer.status(500);
            }
        });
        node();
        try (WsClient c = client()) {
            assertThat(publish(c, "chat:1", "{\"text\":\"hi\"}", "a").path("type").asText()).isEqualTo("ack");
            await().until(() -> c.dataOf("chat:1").contains("{\"text\":\"HI\"}"));
            JsonNode refused = publish(c, "chat:1", "{\"text\":\"buy spam\"}", "b");
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.path("temporary").asBoolean()).isFalse();
            // outside publish_hook namespaces the grants decide, and the app is not asked
            assertThat(publish(c, "room:1", "{\"text\":\"plain\"}", "c").path("type").asText()).isEqualTo("ack");
            assertThat(app.seen("/publish")).hasSize(2);
            JsonNode asked = HookConnectIT.JSON.readTree(app.seen("/publish").get(0).body());
            assertThat(asked.path("tenant").asText()).isEqualTo("acme");
            assertThat(asked.path("user").asText()).isEqualTo("alice");
            assertThat(asked.path("channel").asText()).isEqualTo("chat:1");
            assertThat(asked.path("event").asText()).isEqualTo("said");
            assertThat(asked.path("client").asText()).isEqualTo(c.ofType("welcome").get(0).path("client").asText());
            assertThat(c.dataOf("chat:1")).containsExactly("{\"text\":\"HI\"}");
        }
        assertThat(hookRequests(node, "publish", "allowed")).isEqualTo(1);
        assertThat(hookRequests(node, "publish", "refused")).isEqualTo(1);
        String metrics = node.get(node.admin("/metrics")).body();
        assertThat(metrics).contains("rtgw_hook_duration_seconds_count{hook=\"publish\"}");
    }

    @Test
    void noAnswerIsATemporaryErrorAndNothingIsPublished() throws Exception {
        app.answer("/publish", s -> Answer.ok("{\"allow\":\"yes\"}"));
        node();
        try (WsClient c = client()) {
            JsonNode invalid = publish(c, "chat:1", "1", "a");
            assertThat(invalid.path("code").asText()).as("an answer that does not read refuses").isEqualTo("forbidden");
            app.answer("/publish", s -> Answer.status(500));
            JsonNode failed = publish(c, "chat:1", "2", "b");
            assertThat(failed.path("code").asText()).isEqualTo("unavailable");
            assertThat(failed.path("temporary").asBoolean()).isTrue();
            assertThat(c.dataOf("chat:1")).isEmpty();
        }
        assertThat(hookRequests(node, "publish", "invalid")).isEqualTo(1);
        assertThat(hookRequests(node, "publish", "failed")).isEqualTo(1);
    }

    @Test
    void publishesKeepTheirOrderWhateverTheAppsAnswerTimes() throws Exception {
        // the first answers slowest: publishes still reach the channel in the order sent
        app.answer("/publish", s -> new Answer(200, "{\"allow\":true}", () -> {
            try {
                Thread.sleep(s.body().contains("\"data\":1}") ? 300 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        node();
        try (WsClient c = client()) {
            for (int i = 1; i <= 8; i++) {
                c.send("{\"type\":\"publish\",\"channel\":\"chat:1\",\"data\":" + i + ",\"ref\":\"p" + i + "\"}");
            }
            await().until(() -> c.dataOf("chat:1").size() == 8);
            assertThat(c.dataOf("chat:1")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            List<String> acks = c.ofType("ack").stream().map(n -> n.path("ref").asText()).toList();
            assertThat(acks).containsExactly("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
        }
    }
}
