package io.rtgw.server;

import static io.rtgw.server.RunningGateway.ACME_KEY;
import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.StreamPosition;
import io.rtgw.transport.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP publish API end to end: a real node, real HTTP and WebSocket clients, real JWTs. */
class PublishApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_MAX_MESSAGE", "2KiB"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aPublishReachesTheSubscribedWebSocketWithItsId() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:api\"}");
            c.subscribed("room:api");
            HttpResponse<String> r = node.publish(API_KEY,
                    "{\"tenant\":\"acme\",\"channel\":\"room:api\",\"event\":\"chat\",\"data\":{\"text\":\"hi\"}}");
            assertThat(r.statusCode()).isEqualTo(200);
            String id = json(r).path("id").asText();
            assertThat(StreamPosition.parse(id)).isNotNull();
            JsonNode m = c.await("message", n -> true);
            assertThat(m.path("id").asText()).isEqualTo(id);
            assertThat(m.path("event").asText()).isEqualTo("chat");
            assertThat(m.path("data").path("text").asText()).isEqualTo("hi");
        }
    }

    @Test
    void severalChannelsAndBatchesGetAnIdEach() throws Exception {
        HttpResponse<String> multi = node.publish(API_KEY,
                "{\"tenant\":\"acme\",\"channels\":[\"room:m1\",\"room:m2\"],\"data\":1}");
        assertThat(multi.statusCode()).isEqualTo(200);
        assertThat(json(multi).path("ids").path("room:m1").asText()).startsWith("1.");
        assertThat(json(multi).path("ids").path("room:m2").asText()).startsWith("1.");
        HttpResponse<String> batch = node.publish(API_KEY,
                "[{\"tenant\":\"acme\",\"channel\":\"room:b\",\"data\":1},{\"tenant\":\"beta\",\"channel\":\"room:b\",\"data\":2}]");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(json(batch)).hasSize(2);
        assertThat(json(batch).get(0).path("id").asText()).startsWith("1.");
        assertThat(json(batch).get(1).path("id").asText()).startsWith("1.");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyPublishesNothingNew() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:idem\"}");
            c.subscribed("room:idem");
            String body = "{\"tenant\":\"acme\",\"channel\":\"room:idem\",\"data\":\"once\",\"idempotencyKey\":\"order-7\"}";
            String first = json(node.publish(API_KEY, body)).path("id").asText();
            String second = json(node.publish(API_KEY, body)).path("id").asText();
            assertThat(second).isEqualTo(first);
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:idem\",\"data\":\"marker\"}");
            await().until(() -> c.dataOf("room:idem").contains("\"marker\""));
            assertThat(c.dataOf("room:idem")).containsExactly("\"once\"", "\"marker\"");
        }
    }

    @Test
    void badBodiesAreRefusedWith400AndAMessage() throws Exception {
        Map<String, String> cases = Map.of(
                "not json", "invalid_json",
                "{\"channel\":\"room:1\",\"data\":1}", "'tenant' is required",
                "{\"tenant\":\"acme\",\"data\":1}", "exactly one of 'channel' or 'channels'",
                "{\"tenant\":\"acme\",\"channel\":\"room 1\",\"data\":1}", "channel name may only contain",
                "{\"tenant\":\"ac:me\",\"channel\":\"room:1\",\"data\":1}", "tenant must be",
                "{\"tenant\":\"acme\",\"channel\":\"room:1\"}", "'data' is required",
                "{\"tenant\":\"acme\",\"channel\":\"room:1\",\"event\":\"rtgw.close\",\"data\":1}", "reserved",
                "{\"tenant\":\"acme\",\"channel\":\"room:1\",\"data\":1,\"chanel\":\"x\"}", "unknown field 'chanel'",
                "[{\"tenant\":\"acme\",\"channel\":\"room:ok\",\"data\":1},{\"tenant\":\"acme\",\"data\":2}]", "item 1:",
                "[]", "a batch holds");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = node.publish(API_KEY, c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).contains(c.getValue());
        }
        // the valid first item of the refused batch was not published
        HttpResponse<String> head = node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:ok\",\"data\":1}");
        assertThat(json(head).path("id").asText()).startsWith("1.");
    }

    @Test
    void aBodyWithMoreAfterItsJsonValueIsRefusedAndNothingIsPublished() throws Exception {
        String first = "{\"tenant\":\"acme\",\"channel\":\"room:trail1\",\"data\":1}";
        String second = "{\"tenant\":\"acme\",\"channel\":\"room:trail2\",\"data\":2}";
        for (String body : new String[] {first + second, first + " " + second, first + "[]", first + " x", first + "}"}) {
            HttpResponse<String> r = node.publish(API_KEY, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).path("error").asText()).as(body).isEqualTo("invalid_json");
        }
        assertThat(node.publish(API_KEY, first + " \r\n").statusCode()).as("trailing white space is fine").isEqualTo(200);
        // room:trail1 got exactly the one publish that was accepted: its next id is the second
        assertThat(json(node.publish(API_KEY, first)).path("id").asText()).startsWith("2.");
    }

    @Test
    void aBodyThatIsNotDeclaredJsonIsRefusedWith415() throws Exception {
        String body = "{\"tenant\":\"acme\",\"channel\":\"room:ct\",\"data\":1}";
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonx"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(node.admin("/api/publish"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + API_KEY);
            if (type != null) {
                b.header("Content-Type", type);
            }
            HttpResponse<String> r = node.send(b.build());
            assertThat(r.statusCode()).as(String.valueOf(type)).isEqualTo(415);
            assertThat(json(r).path("message").asText()).contains("application/json");
        }
        HttpResponse<String> ok = node.send(HttpRequest.newBuilder(node.admin("/api/publish"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "Application/JSON; charset=utf-8").build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).path("id").asText()).startsWith("1.");
    }

    @Test
    void keysAreCheckedAndTenantKeysStayInTheirTenant() throws Exception {
        String acme = "{\"tenant\":\"acme\",\"channel\":\"room:k\",\"data\":1}";
        assertThat(node.publish(null, acme).statusCode()).isEqualTo(401);
        assertThat(node.publish("wrong-key-0123456789", acme).statusCode()).isEqualTo(401);
        assertThat(node.publish(ACME_KEY, acme).statusCode()).isEqualTo(200);
        HttpResponse<String> other = node.publish(ACME_KEY, "{\"tenant\":\"beta\",\"channel\":\"room:k\",\"data\":1}");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).path("error").asText()).isEqualTo("forbidden");
    }

    @Test
    void unknownPathsWrongMethodsAndOversizedBodiesGetClearAnswers() throws Exception {
        assertThat(node.get(node.admin("/api/nope")).statusCode()).isEqualTo(404);
        assertThat(node.get(node.admin("/api/publish")).statusCode()).isEqualTo(405);
        assertThat(node.get(node.pub("/nope")).statusCode()).isEqualTo(404);
        HttpResponse<String> post = node.send(HttpRequest.newBuilder(node.pub("/ws"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        String big = "{\"tenant\":\"acme\",\"channel\":\"room:1\",\"data\":\"" + "x".repeat(4000) + "\"}";
        assertThat(node.publish(API_KEY, big).statusCode()).isEqualTo(413);
    }

    @Test
    void healthReadinessAndMetricsAnswerOnTheAdminListenerOnly() throws Exception {
        assertThat(node.get(node.admin("/healthz")).statusCode()).isEqualTo(200);
        assertThat(node.get(node.admin("/readyz")).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = node.get(node.admin("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("rtgw_connections{transport=\"websocket\"}", "rtgw_broker_up 1.0");
        assertThat(node.get(node.pub("/metrics")).statusCode()).isEqualTo(404);
        assertThat(node.get(node.pub("/api/publish")).statusCode()).isEqualTo(404);
    }
}
