package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.server.HookServer.Answer;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RTGW_CONNECT_HOOK} (docs/protocol.md §11) against a real app on loopback, on every
 * transport: admitted, refused, slow, dead, nonsense, and never instead of a token.
 */
class HookConnectIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "{\"user\":\"alice\",\"tenant\":\"acme\",\"channels\":[\"room:*\"],\"info\":{\"name\":\"Alice\"}}";
    static final Map<String, String> BROWSER = Map.of("Cookie", "sid=abc123; theme=dark", "Authorization", "Basic YWxpY2U6cHc=");

    private final HookServer app;
    private RunningGateway node;

    HookConnectIT() throws Exception {
        app = new HookServer();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        app.close();
    }

    private RunningGateway node(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RTGW_CONNECT_HOOK", app.url("/connect").toString(),
                "RTGW_HOOK_TIMEOUT", "500ms", "RTGW_AUTH_TIMEOUT", "30s"));
        env.putAll(extra);
        node = new RunningGateway(env);
        return node;
    }

    static double hookRequests(RunningGateway node, String hook, String result) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^rtgw_hook_requests_total\\{[^}]*hook=\""
                + hook + "\"[^}]*result=\"" + result + "\"[^}]*\\} (\\S+)$").matcher(node.get(node.admin("/metrics")).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Test
    void aConnectionWithoutATokenIsAdmittedByTheAppOnEveryTransport() throws Exception {
        app.answer("/connect", s -> Answer.ok(ALICE));
        // no JWT key at all: a node behind a connect hook needs none
        node(Map.of("RTGW_JWT_SECRET", ""));
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            JsonNode welcome = c.await("welcome", n -> true);
            assertThat(welcome.path("user").asText()).isEqualTo("alice");
            assertThat(welcome.path("tenant").asText()).isEqualTo("acme");
            assertThat(welcome.path("channels").toString()).contains("user:alice");
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\",\"ref\":\"r\"}");
            c.subscribed("room:1");
            c.send("{\"type\":\"subscribe\",\"channel\":\"secret:1\",\"ref\":\"s\"}");
            assertThat(c.await("error", n -> n.path("ref").asText().equals("s")).path("code").asText()).isEqualTo("forbidden");
        }
        try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1"), BROWSER)) {
            assertThat(s.status).isEqualTo(200);
            s.connected();
        }
        var poll = SseClient.get(node.pub("/poll?channel=room:1"), BROWSER);
        assertThat(poll.statusCode()).as(poll.body()).isEqualTo(200);
        assertThat(SseClient.get(node.pub("/sse?channel=secret:1"), BROWSER).statusCode()).isEqualTo(403);

        List<HookServer.Seen> asked = app.seen("/connect");
        assertThat(asked).hasSizeGreaterThanOrEqualTo(4);
        for (HookServer.Seen seen : asked) {
            assertThat(seen.cookie()).isEqualTo("sid=abc123; theme=dark");
            assertThat(seen.authorization()).isEqualTo("Basic YWxpY2U6cHc=");
            assertThat(seen.contentType()).isEqualTo("application/json");
            assertThat(json(seen.body()).path("address").asText()).isEqualTo("127.0.0.1");
        }
        assertThat(asked.stream().map(s -> {
            try {
                return json(s.body()).path("transport").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).distinct().toList()).containsExactlyInAnyOrder("websocket", "sse", "longpoll");
        assertThat(hookRequests(node, "connect", "allowed")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theAppsRefusalIsABadTokensRefusal() throws Exception {
        app.answer("/connect", s -> Answer.status(s.cookie() != null && s.cookie().contains("banned") ? 403 : 401));
        node(Map.of());
        for (String cookie : List.of("sid=nobody", "sid=banned")) {
            Map<String, String> headers = Map.of("Cookie", cookie);
            try (WsClient c = WsClient.connect(node.ws(), headers, true, "rtgw.v1")) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(4401);
            }
            var sse = SseClient.get(node.pub("/sse?channel=room:1"), headers);
            assertThat(sse.statusCode()).isEqualTo(401);
            assertThat(json(sse.body()).path("error").asText()).isEqualTo("unauthorized");
            assertThat(SseClient.get(node.pub("/poll?channel=room:1"), headers).statusCode()).isEqualTo(401);
        }
        assertThat(hookRequests(node, "connect", "refused")).isEqualTo(6);
        assertThat(node.authFailures("invalid")).isGreaterThanOrEqualTo(6);
    }

    @Test
    void anAnswerThatIsNotValidClaimsRefusesAsABadTokenWould() throws Exception {
        List<String> nonsense = List.of("not json", "[1,2]", "{\"tenant\":\"acme\"}", "{\"user\":5,\"tenant\":\"acme\"}",
                "{\"user\":\"a\",\"tenant\":\"bad tenant!\"}", "{\"user\":\"a\",\"tenant\":\"acme\",\"channels\":\"room:*\"}",
                "{\"user\":\"a\",\"tenant\":\"acme\",\"channels\":[\"bad name\"]}",
                "{\"user\":\"a\",\"tenant\":\"acme\",\"info\":\"a string\"}",
                "{\"user\":\"a\",\"tenant\":\"acme\",\"info\":{\"big\":\"" + "x".repeat(2000) + "\"}}",
                "{\"user\":\"a\",\"tenant\":\"acme\",\"expiresAt\":\"tomorrow\"}");
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        app.answer("/connect", s -> Answer.ok(nonsense.get(next.getAndIncrement())));
        node(Map.of());
        for (int i = 0; i < nonsense.size(); i++) {
            try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
                c.awaitClose();
                assertThat(c.closeCode).as(nonsense.get(i)).isEqualTo(4401);
                assertThat(c.ofType("welcome")).isEmpty();
            }
        }
        assertThat(hookRequests(node, "connect", "invalid")).isEqualTo(nonsense.size());
        // an expiry already passed is an expired token's refusal
        app.answer("/connect", s -> Answer.ok("{\"user\":\"a\",\"tenant\":\"acme\",\"expiresAt\":1000}"));
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4001);
        }
    }

    @Test
    void anAppThatDoesNotAnswerInTimeIsTemporaryNeverAnAdmission() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.answer("/connect", s -> new Answer(200, ALICE, () -> hold(release)));
        node(Map.of());
        try {
            assertUnavailableEverywhere();
            assertThat(hookRequests(node, "connect", "timeout")).isEqualTo(3);
            assertThat(hookRequests(node, "connect", "allowed")).isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aDeadAppIsTemporaryAndTheCircuitStopsAskingItThenAsksAgain() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        node(Map.of("RTGW_CONNECT_HOOK", "http://127.0.0.1:" + closedPort + "/connect"));
        assertUnavailableEverywhere();
        assertThat(hookRequests(node, "connect", "failed")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(1013);
            }
        }
        // five failures in a row open the circuit: the sixth question is not even sent
        assertThat(hookRequests(node, "connect", "failed")).isEqualTo(5);
        assertThat(hookRequests(node, "connect", "circuit_open")).isEqualTo(1);
    }

    @Test
    void theCircuitClosesOnceTheAppAnswersAgain() throws Exception {
        app.answer("/connect", s -> Answer.status(503));
        node(Map.of());
        for (int i = 0; i < 6; i++) {
            try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(1013);
            }
        }
        assertThat(hookRequests(node, "connect", "circuit_open")).isEqualTo(1);
        app.answer("/connect", s -> Answer.ok(ALICE));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
                await().until(() -> c.closeCode != -1 || !c.ofType("welcome").isEmpty());
                assertThat(c.ofType("welcome")).as("closed %s", c.closeCode).isNotEmpty();
            }
        });
        assertThat(hookRequests(node, "connect", "allowed")).isEqualTo(1);
    }

    private void assertUnavailableEverywhere() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(1013);
            assertThat(c.ofType("welcome")).isEmpty();
        }
        try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1"), BROWSER)) {
            assertThat(s.status).isEqualTo(200);
            JsonNode close = s.await("rtgw.close", e -> true).data();
            assertThat(close.path("reason").asText()).isEqualTo("unavailable");
            assertThat(close.path("reconnect").asBoolean()).isTrue();
            assertThat(s.named("rtgw.connected")).isEmpty();
        }
        var poll = SseClient.get(node.pub("/poll?channel=room:1"), BROWSER);
        assertThat(poll.statusCode()).isEqualTo(503);
        assertThat(json(poll.body()).path("error").asText()).isEqualTo("unavailable");
    }

    @Test
    void aTokenWinsTheAppIsNotAsked() throws Exception {
        app.answer("/connect", s -> Answer.ok("{\"user\":\"mallory\",\"tenant\":\"other\",\"channels\":[\"*\"]}"));
        node(Map.of());
        String token = RunningGateway.token("alice", "acme", "room:*");
        try (WsClient c = WsClient.connect(node.ws(), Map.of("Authorization", "Bearer " + token, "Cookie", "sid=x"),
                true, "rtgw.v1")) {
            JsonNode welcome = c.await("welcome", n -> true);
            assertThat(welcome.path("user").asText()).isEqualTo("alice");
            assertThat(welcome.path("tenant").asText()).isEqualTo("acme");
        }
        assertThat(SseClient.get(node.pub("/poll?channel=room:1"), Map.of("Cookie", "rtgw_token=" + token)).statusCode())
                .isEqualTo(200);
        // a bad token is refused as bad, not passed over for the app's other tenant
        try (WsClient c = WsClient.connect(node.ws(), Map.of("Authorization", "Bearer garbage", "Cookie", "sid=x"),
                true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
        for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1")) {
            assertThat(SseClient.get(node.pub(path), Map.of("Cookie", "rtgw_token=garbage; sid=x")).statusCode())
                    .isEqualTo(401);
        }
        assertThat(app.seen("/connect")).isEmpty();
    }

    @Test
    void cookiesFromAForeignPageAreNotSentToTheApp() throws Exception {
        app.answer("/connect", s -> Answer.ok(ALICE));
        node(Map.of());
        Map<String, String> foreign = Map.of("Cookie", "sid=abc", "Origin", "https://evil.example");
        try (WsClient c = WsClient.connect(node.ws(), foreign, true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4403);
        }
        assertThat(SseClient.get(node.pub("/sse?channel=room:1"), foreign).statusCode()).isEqualTo(403);
        assertThat(SseClient.get(node.pub("/poll?channel=room:1"), foreign).statusCode()).isEqualTo(403);
        assertThat(app.seen("/connect")).isEmpty();
        assertThat(node.authFailures("origin")).isEqualTo(3);
    }

    @Test
    void beyondTheInFlightBoundTheAppIsNotAskedAndTheClientComesBackLater() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.answer("/connect", s -> new Answer(200, ALICE, () -> hold(release)));
        node(Map.of("RTGW_HOOK_MAX_IN_FLIGHT", "1", "RTGW_HOOK_TIMEOUT", "30s"));
        try (WsClient first = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            await().until(() -> app.seen("/connect").size() == 1);
            try (WsClient second = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
                second.awaitClose();
                assertThat(second.closeCode).isEqualTo(1013);
            }
            assertThat(hookRequests(node, "connect", "overloaded")).isEqualTo(1);
            assertThat(first.ofType("welcome")).isEmpty();
            release.countDown();
            assertThat(first.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        } finally {
            release.countDown();
        }
        assertThat(app.seen("/connect")).hasSize(1);
    }

    static void hold(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anAdmissionEndsAtTheAppsExpiryAndTheClientIsAskedAboutAgainWhenItReconnects() throws Exception {
        app.answer("/connect", s -> Answer.ok("{\"user\":\"alice\",\"tenant\":\"acme\",\"expiresAt\":"
                + (System.currentTimeMillis() / 1000 + 4) + "}"));
        node(Map.of("RTGW_JWT_SKEW", "0s", "RTGW_EXPIRING_LEAD", "3s"));
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            assertThat(c.await("welcome", n -> true).path("expiresAt").asLong()).isPositive();
            c.await("expiring", n -> true);
            c.awaitClose();
            // token_expired, which a client without a token provider (the JavaScript client) answers
            // by reconnecting: the app is then asked again
            assertThat(c.closeCode).isEqualTo(4001);
        }
        app.answer("/connect", s -> Answer.ok(ALICE));
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        }
        assertThat(app.seen("/connect")).hasSize(2);
    }

    @Test
    void aUserRevocationEndsTheAppsAdmissionsAndTheAppDecidesAboutTheNextOne() throws Exception {
        app.answer("/connect", s -> Answer.ok(ALICE));
        node(Map.of());
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            c.await("welcome", n -> true);
            var revoked = new ApiClient(node, RunningGateway.API_KEY).post("/api/revoke",
                    "{\"tenant\":\"acme\",\"user\":\"alice\"}");
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4410);
        }
        app.answer("/connect", s -> Answer.status(403));
        try (WsClient c = WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
    }

    @Test
    void aSlowAppHoldsUpNoOneElse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        app.answer("/connect", s -> new Answer(200, ALICE, () -> hold(release)));
        node(Map.of("RTGW_HOOK_TIMEOUT", "30s"));
        // more waiting admissions than the node has event loops
        List<WsClient> waiting = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors() + 2; i++) {
                waiting.add(WsClient.connect(node.ws(), BROWSER, true, "rtgw.v1"));
            }
            await().until(() -> app.seen("/connect").size() == waiting.size());
            try (WsClient other = WsClient.connect(node.ws(), RunningGateway.token("bob", "acme", "room:*"))) {
                other.await("welcome", n -> true);
                other.send("{\"type\":\"subscribe\",\"channel\":\"room:9\"}");
                other.subscribed("room:9");
                for (int i = 1; i <= 5; i++) {
                    node.publish(RunningGateway.API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:9\",\"data\":" + i + "}");
                }
                await().until(() -> other.dataOf("room:9").size() == 5);
                assertThat(other.dataOf("room:9")).containsExactly("1", "2", "3", "4", "5");
            }
            assertThat(waiting).allSatisfy(c -> assertThat(c.ofType("welcome")).isEmpty());
            release.countDown();
            for (WsClient c : waiting) {
                c.await("welcome", n -> true);
            }
        } finally {
            release.countDown();
            waiting.forEach(WsClient::close);
        }
    }
}
