package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.auth.DevTokens;
import io.rtgw.metrics.Exposition;
import io.rtgw.transport.WsClient;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a real node after real WebSocket actions: each docs/protocol.md §8 series moves by
 * exactly what was done. Every assertion is a difference against a scrape taken just before, so
 * the cases do not depend on each other's counts.
 */
class MetricsIT {
    private static final String WS = "websocket";
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_MAX_MESSAGE", "1KiB"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A case's clients are all gone (their closes counted) before the next case takes its baseline. */
    @AfterEach
    void everyConnectionClosed() {
        await().until(() -> scrape().value("rtgw_connections", "transport", WS) == 0);
    }

    private static Exposition scrape() throws Exception {
        return Exposition.parse(node.get(node.admin("/metrics")).body());
    }

    /** Waits until the series has moved by exactly {@code by} since {@code before}. */
    private static void moved(Exposition before, double by, String name, String... labels) {
        double expected = before.value(name, labels) + by;
        await().untilAsserted(() -> assertThat(scrape().value(name, labels))
                .as("%s%s", name, List.of(labels)).isEqualTo(expected));
    }

    @Test
    void aConnectionIsCountedOpenWhileItLivesAndClosedNormalWhenTheClientLeaves() throws Exception {
        Exposition before = scrape();
        WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"));
        c.await("welcome", n -> true);
        c.subscribed("user:alice");
        moved(before, 1, "rtgw_connections", "transport", WS);
        moved(before, 1, "rtgw_connections_opened_total", "transport", WS);
        moved(before, 1, "rtgw_channel_subscriptions");
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:gauge\"}");
        c.subscribed("room:gauge");
        moved(before, 2, "rtgw_channel_subscriptions");

        c.close();
        moved(before, 0, "rtgw_connections", "transport", WS);
        moved(before, 0, "rtgw_channel_subscriptions");
        moved(before, 1, "rtgw_connections_closed_total", "transport", WS, "reason", "normal");
        moved(before, 1, "rtgw_connection_duration_seconds_count", "transport", WS);
    }

    @Test
    void clientErrorsCloseWithTheirReasonAndCountAsParseErrors() throws Exception {
        Exposition before = scrape();
        closeAfter(ws -> ws.send("this is not json"), 1007);
        closeAfter(ws -> ws.send("{\"type\":\"publish\",\"data\":\"" + "x".repeat(2000) + "\"}"), 1009);
        closeAfter(ws -> ws.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join(), 1003);
        moved(before, 1, "rtgw_connections_closed_total", "transport", WS, "reason", "invalid_json");
        moved(before, 1, "rtgw_connections_closed_total", "transport", WS, "reason", "too_large");
        moved(before, 1, "rtgw_connections_closed_total", "transport", WS, "reason", "bad_request");
        moved(before, 3, "rtgw_parse_errors_total", "transport", WS);
    }

    @Test
    void aCommandTheServerCannotUseIsAParseErrorButKeepsTheConnection() throws Exception {
        Exposition before = scrape();
        try (WsClient c = WsClient.connect(node.ws(), token("bob", "acme"))) {
            c.await("welcome", n -> true);
            c.send("{\"type\":\"dance\"}");
            c.await("error", n -> n.path("code").asText().equals("bad_request"));
            moved(before, 1, "rtgw_parse_errors_total", "transport", WS);
            moved(before, 1, "rtgw_messages_received_total", "transport", WS);
            assertThat(c.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void authFailuresAreCountedByReasonAndCloseWithTheirCode() throws Exception {
        Exposition before = scrape();
        try (WsClient c = WsClient.connect(node.ws(), "not-a-jwt")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
        try (WsClient c = WsClient.connect(node.ws(), null)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}"); // anything but auth first
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
        Clock hourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (WsClient c = WsClient.connect(node.ws(),
                DevTokens.hs256(SECRET, "old", "acme", List.of(), List.of(), Duration.ofMinutes(1), hourAgo))) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4001);
        }
        try (WsClient c = WsClient.connect(node.ws(), token("carol", "acme", "room:*"))) {
            c.await("welcome", n -> true);
            c.send("{\"type\":\"subscribe\",\"channel\":\"secret:1\"}");
            c.await("error", n -> n.path("code").asText().equals("forbidden"));
        }
        moved(before, 1, "rtgw_auth_failures_total", "reason", "invalid");
        moved(before, 1, "rtgw_auth_failures_total", "reason", "missing");
        moved(before, 1, "rtgw_auth_failures_total", "reason", "expired");
        moved(before, 1, "rtgw_auth_failures_total", "reason", "forbidden");
        moved(before, 2, "rtgw_connections_closed_total", "transport", WS, "reason", "unauthorized");
        moved(before, 1, "rtgw_connections_closed_total", "transport", WS, "reason", "token_expired");
    }

    @Test
    void publishesAreCountedBySourceAndEachWriteIsADeliveryWithALatency() throws Exception {
        Exposition before = scrape();
        try (WsClient c = WsClient.connect(node.ws(), token("dave", "acme", "room:*"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:pub\"}");
            c.subscribed("room:pub");
            assertThat(node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:pub\",\"data\":1}").statusCode())
                    .isEqualTo(200);
            c.send("{\"type\":\"publish\",\"channel\":\"room:pub\",\"data\":2,\"ref\":\"r1\"}");
            c.await("ack", n -> n.path("ref").asText().equals("r1"));
            await().until(() -> c.dataOf("room:pub").size() == 2);
        }
        moved(before, 1, "rtgw_messages_published_total", "source", "api");
        moved(before, 1, "rtgw_messages_published_total", "source", "websocket");
        moved(before, 0, "rtgw_messages_published_total", "source", "other");
        moved(before, 2, "rtgw_messages_delivered_total", "transport", WS);
        moved(before, 2, "rtgw_delivery_latency_seconds_count");
    }

    @Test
    void aResumeCountsReplayedMessagesAndAnUnusableSinceCountsAGap() throws Exception {
        String first = null;
        for (int i = 1; i <= 3; i++) {
            var r = node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:replay\",\"data\":" + i + "}");
            first = first == null ? new ObjectMapper().readTree(r.body()).path("id").asText() : first;
        }
        Exposition before = scrape();
        try (WsClient c = WsClient.connect(node.ws(), token("erin", "acme", "room:*"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:replay\",\"since\":\"" + first + "\"}");
            await().until(() -> c.dataOf("room:replay").size() == 2);
            moved(before, 2, "rtgw_replay_messages_total");
            moved(before, 0, "rtgw_replay_gaps_total");

            c.send("{\"type\":\"subscribe\",\"channel\":\"room:lost\",\"since\":\"not-an-id\"}");
            c.await("gap", n -> n.path("channel").asText().equals("room:lost"));
            moved(before, 1, "rtgw_replay_gaps_total");
        }
    }

    @Test
    void eventLoopLagIsProbedAndNettyBufferMemoryIsReported() throws Exception {
        // the probe runs every second on each loop: its count grows by itself
        double before = scrape().value("rtgw_event_loop_lag_seconds_count");
        await().until(() -> scrape().value("rtgw_event_loop_lag_seconds_count") > before);
        assertThat(scrape().value("rtgw_event_loop_lag_seconds_sum")).isGreaterThanOrEqualTo(0.0);
        assertThat(scrape().value("rtgw_netty_allocator_used_direct_bytes")).isGreaterThanOrEqualTo(0.0);
        assertThat(scrape().value("rtgw_netty_allocator_used_heap_bytes")).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void theEmbeddedBrokerIsUp() throws Exception {
        assertThat(scrape().value("rtgw_broker_up")).isEqualTo(1.0);
    }

    @Test
    void theBrokerQueueDepthIsExposedWithTheEmbeddedBrokerToo() throws Exception {
        // the embedded broker hands over directly; the series exists so every node's dashboard finds it
        assertThat(scrape().value("rtgw_broker_queue_depth")).isEqualTo(0.0);
    }

    private interface Action {
        void on(WsClient client) throws Exception;
    }

    /** Connects, does one thing the protocol forbids, and expects the server to close with {@code code}. */
    private static void closeAfter(Action action, int code) throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("frank", "acme", "room:*"))) {
            c.await("welcome", n -> true);
            action.on(c);
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(code);
        }
    }
}
