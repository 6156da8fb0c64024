package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenants {@code a} and {@code b} use the same channel names; each client, on every transport,
 * receives only its own tenant's messages. The tenant comes from the verified token only.
 */
class TenantIsolationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Each tenant's message, then a marker per tenant, so "nothing else arrived" can be checked. */
    private static void publishToBothTenants(String channel) throws Exception {
        for (String step : List.of("only", "marker")) {
            for (String tenant : List.of("a", "b")) {
                assertThat(node.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel
                        + "\",\"data\":\"" + step + "-" + tenant + "\"}").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void overWebSocket() throws Exception {
        try (WsClient a = WsClient.connect(node.ws(), token("ann", "a", "room:*"));
             WsClient b = WsClient.connect(node.ws(), token("ben", "b", "room:*"))) {
            for (WsClient c : List.of(a, b)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:same\"}");
                c.subscribed("room:same");
            }
            publishToBothTenants("room:same");
            await().until(() -> a.dataOf("room:same").contains("\"marker-a\"") && b.dataOf("room:same").contains("\"marker-b\""));
            assertThat(a.dataOf("room:same")).containsExactly("\"only-a\"", "\"marker-a\"");
            assertThat(b.dataOf("room:same")).containsExactly("\"only-b\"", "\"marker-b\"");
            assertThat(a.ofType("welcome").get(0).path("tenant").asText()).isEqualTo("a");
        }
    }

    @Test
    void overServerSentEvents() throws Exception {
        try (SseClient a = SseClient.open(node.pub("/sse?channel=room:sse"), Map.of("Authorization", "Bearer " + token("ann", "a", "room:*")));
             SseClient b = SseClient.open(node.pub("/sse?channel=room:sse"), Map.of("Cookie", "rtgw_token=" + token("ben", "b", "room:*")))) {
            a.connected();
            b.connected();
            publishToBothTenants("room:sse");
            await().until(() -> a.dataOf("room:sse").contains("\"marker-a\"") && b.dataOf("room:sse").contains("\"marker-b\""));
            assertThat(a.dataOf("room:sse")).containsExactly("\"only-a\"", "\"marker-a\"");
            assertThat(b.dataOf("room:sse")).containsExactly("\"only-b\"", "\"marker-b\"");
        }
    }

    @Test
    void overLongPoll() throws Exception {
        String tokenA = token("ann", "a", "room:*");
        String tokenB = token("ben", "b", "room:*");
        String cursorA = poll(tokenA, null).path("cursor").asText();
        String cursorB = poll(tokenB, null).path("cursor").asText();
        publishToBothTenants("room:poll");
        assertThat(dataOf(poll(tokenA, cursorA), "room:poll")).containsExactly("\"only-a\"", "\"marker-a\"");
        assertThat(dataOf(poll(tokenB, cursorB), "room:poll")).containsExactly("\"only-b\"", "\"marker-b\"");
    }

    private static JsonNode poll(String token, String cursor) throws Exception {
        String query = "/poll?channel=room:poll&timeout=5"
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        var r = SseClient.get(node.pub(query), Map.of("Authorization", "Bearer " + token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> dataOf(JsonNode answer, String channel) {
        return StreamSupport.stream(answer.path("messages").spliterator(), false)
                .filter(m -> m.path("channel").asText().equals(channel) && m.path("type").asText().equals("message"))
                .map(m -> m.path("data").toString()).toList();
    }
}
