package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Webhook mode of docs/protocol.md §10 on the embedded broker, end to end: a real node, a real
 * WebSocket client, and the app's receiver on a loopback port that is down at first.
 */
@Timeout(120)
class EventsWebhookIT {
    private static final String EVENTS_SECRET = "webhook-secret-for-tests";

    private static double metric(RunningGateway node, String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? (\\S+)$")
                .matcher(node.get(node.admin("/metrics")).body());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    @Test
    void aReceiverThatFailsThenRecoversGetsEveryEventSignedOnce() throws Exception {
        try (EventReceiver app = new EventReceiver(EVENTS_SECRET, 3);
             RunningGateway node = new RunningGateway(Map.of("RTGW_EVENTS", app.url().toString(),
                     "RTGW_EVENTS_SECRET", EVENTS_SECRET, "RTGW_EVENTS_GRACE", "200ms"))) {
            try (WsClient ws = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
                ws.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
                ws.subscribed("room:1");
            }
            // the personal channel user:alice is subscribed automatically: it is occupied and vacated too
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.of("offline").isEmpty()
                    && app.of("vacated").size() == 2);

            assertThat(app.badSignatures.get()).isZero();
            assertThat(app.of("online")).hasSize(1);
            assertThat(app.of("connect")).hasSize(1);
            assertThat(app.of("occupied")).extracting(e -> e.path("channel").asText())
                    .containsExactlyInAnyOrder("room:1", "user:alice");
            assertThat(app.of("disconnect")).hasSize(1);
            assertThat(app.of("vacated")).extracting(e -> e.path("channel").asText())
                    .containsExactlyInAnyOrder("room:1", "user:alice");
            assertThat(app.of("offline")).hasSize(1);
            JsonNode connect = app.of("connect").get(0);
            assertThat(connect.path("tenant").asText()).isEqualTo("acme");
            assertThat(connect.path("user").asText()).isEqualTo("alice");
            assertThat(connect.path("transport").asText()).isEqualTo("websocket");
            assertThat(connect.path("node").asText()).isNotEmpty();
            assertThat(app.of("disconnect").get(0).path("client").asText()).isEqualTo(connect.path("client").asText());
            assertThat(metric(node, "rtgw_events_delivery_failures_total")).isGreaterThanOrEqualTo(3);
            assertThat(metric(node, "rtgw_events_total")).isEqualTo(8);
            assertThat(metric(node, "rtgw_events_dropped_total")).isZero();
        }
    }

    @Test
    void whatDoesNotFitTheQueueWhileTheAppIsDownIsCounted() throws Exception {
        try (EventReceiver app = new EventReceiver(EVENTS_SECRET, Integer.MAX_VALUE);
             RunningGateway node = new RunningGateway(Map.of("RTGW_EVENTS", app.url().toString(),
                     "RTGW_EVENTS_SECRET", EVENTS_SECRET, "RTGW_EVENTS_QUEUE", "2",
                     "RTGW_EVENTS_TYPES", "connect,disconnect"))) {
            for (int i = 0; i < 5; i++) {
                try (WsClient ws = WsClient.connect(node.ws(), token("u" + i, "acme", "room:*"))) {
                    ws.await("welcome", m -> true);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> metric(node, "rtgw_events_dropped_total") >= 1);
            assertThat(app.requests.get()).isPositive();
            assertThat(app.events).isEmpty();
        }
    }

    @Test
    void sseAndLongPollConnectionsAreReportedWithTheirTransport() throws Exception {
        try (EventReceiver app = new EventReceiver(EVENTS_SECRET, 0);
             RunningGateway node = new RunningGateway(Map.of("RTGW_EVENTS", app.url().toString(),
                     "RTGW_EVENTS_SECRET", EVENTS_SECRET, "RTGW_EVENTS_TYPES", "connect,disconnect"))) {
            String jwt = token("erin", "acme", "room:*");
            try (io.rtgw.transport.SseClient sse = io.rtgw.transport.SseClient.open(
                    node.pub(RedisE2e.sseQuery("/sse", java.util.List.of("room:3"), null)),
                    Map.of("Authorization", "Bearer " + jwt))) {
                sse.connected();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.of("connect").size() == 1);
            }
            RedisE2e.poll(node, jwt, java.util.List.of("room:3"), null);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.of("disconnect").size() == 2);
            assertThat(app.of("connect")).extracting(e -> e.path("transport").asText())
                    .containsExactlyInAnyOrder("sse", "long_poll");
            assertThat(app.of("disconnect")).extracting(e -> e.path("transport").asText())
                    .containsExactlyInAnyOrder("sse", "long_poll");
            assertThat(app.events).hasSize(4); // only the types chosen
            assertThat(app.badSignatures.get()).isZero();
        }
    }
}
