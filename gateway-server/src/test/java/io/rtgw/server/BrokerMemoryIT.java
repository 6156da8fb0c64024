package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.metrics.Exposition;
import io.rtgw.transport.WsClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "the embedded broker can be run out of memory by publishing alone": over real HTTP and
 * WebSocket, quiet channels give their memory back after their TTL without another publish, the
 * caps refuse with {@code limit_reached} (429 / {@code error}) and count the refusal, and an id
 * of a dropped channel resumes with a gap, not a replay of the channel's next life.
 */
class BrokerMemoryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private RunningGateway node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void start(String maxChannels) throws Exception {
        // no personal channel: its node subscription would linger (RTGW_SUBSCRIPTION_LINGER) past the test
        node = new RunningGateway(Map.of("RTGW_BROKER_MAX_CHANNELS", maxChannels, "RTGW_HISTORY_TTL", "1s",
                "RTGW_BROKER_IDLE_CHANNEL", "0s", "RTGW_PERSONAL_CHANNEL", "false"));
    }

    private double metric(String name) throws Exception {
        return Exposition.parse(node.get(node.admin("/metrics")).body()).value(name);
    }

    private HttpResponse<String> publish(String channel, String data) throws Exception {
        return node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"" + channel + "\",\"data\":" + data + "}");
    }

    @Test
    void quietChannelsGiveTheirMemoryBackAndTheCapRefusesWithLimitReached() throws Exception {
        start("3");
        for (int i = 0; i < 3; i++) {
            assertThat(publish("room:" + i, "1").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = publish("room:3", "1");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("limit_reached");
        // a channel the broker holds still takes publishes
        assertThat(publish("room:0", "2").statusCode()).isEqualTo(200);
        assertThat(metric("rtgw_broker_channels")).isEqualTo(3);

        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
            c.send("{\"type\":\"publish\",\"channel\":\"room:ws\",\"data\":1,\"ref\":\"p1\"}");
            JsonNode error = c.await("error", e -> "p1".equals(e.path("ref").asText()));
            assertThat(error.path("code").asText()).isEqualTo("limit_reached");
        }
        assertThat(metric("rtgw_broker_refusals_total")).isEqualTo(2);
        assertThat(metric("rtgw_broker_retained_bytes")).isPositive();

        // nobody publishes again: the history expires and the channels go, which frees the cap
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> metric("rtgw_broker_channels") == 0 && metric("rtgw_broker_retained_bytes") == 0);
        assertThat(publish("room:3", "1").statusCode()).isEqualTo(200);
    }

    @Test
    void resumingFromAnIdOfADroppedChannelIsAGapNotAReplay() throws Exception {
        start("1000");
        String oldId = JSON.readTree(publish("room:r", "\"old 1\"").body()).path("id").asText();
        publish("room:r", "\"old 2\"");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> metric("rtgw_broker_channels") == 0);
        for (int i = 1; i <= 3; i++) {
            assertThat(publish("room:r", "\"new " + i + "\"").statusCode()).isEqualTo(200);
        }
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:r\",\"since\":\"" + oldId + "\",\"ref\":\"s1\"}");
            JsonNode subscribed = c.subscribed("room:r");
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            // a marker proves delivery is live: nothing of the new life was replayed as if it followed oldId
            publish("room:r", "\"marker\"");
            await().atMost(WAIT).until(() -> c.dataOf("room:r").contains("\"marker\""));
            assertThat(c.dataOf("room:r")).containsExactly("\"marker\"");
        }
    }
}
