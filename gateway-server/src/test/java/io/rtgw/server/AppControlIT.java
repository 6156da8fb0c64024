package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What clients see when the app acts through the server API (docs/protocol.md §7), end to end on
 * a real node with the embedded broker and real WebSocket, SSE and long-poll clients. The
 * commands are applied with the node's {@code NodeControl}, as the server API does.
 */
class AppControlIT {
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

    private static int apply(ControlCommand command) throws Exception {
        return node.gateway.nodeControl().apply(command).get(30, TimeUnit.SECONDS);
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static JsonNode poll(String token, String query) throws Exception {
        return LongPolls.poll(node, token, query);
    }

    private static CompletableFuture<HttpResponse<String>> heldPoll(String user, String token, String channel) throws Exception {
        return LongPolls.held(node, "acme", user, token, channel);
    }

    @Test
    void aDisconnectWithReconnectClosesEveryTransportAsDisconnectedAndLetsThemComeBack() throws Exception {
        String token = RunningGateway.token("dana", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.ws(), token);
             SseClient sse = SseClient.open(node.pub("/sse?channel=room:d"), bearer(token))) {
            ws.await("welcome", n -> true);
            sse.connected();
            CompletableFuture<HttpResponse<String>> held = heldPoll("dana", token, "room:d");

            assertThat(apply(new ControlCommand.Disconnect("acme", "dana", null, true))).isEqualTo(3);

            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(4010);
            assertThat(ws.closeReason).isEqualTo("disconnected");
            JsonNode close = sse.await("rtgw.close", e -> true).data();
            assertThat(close.path("reason").asText()).isEqualTo("disconnected");
            assertThat(close.path("reconnect").asBoolean()).isTrue();
            sse.awaitEnd();
            assertThat(sse.retries.get(sse.retries.size() - 1)).as("a jittered retry").isBetween(1000L, 5000L);
            JsonNode polled = LongPolls.answer(held);
            assertThat(polled.path("closed").asText()).isEqualTo("disconnected");
            assertThat(polled.path("reconnect").asBoolean()).isTrue();
            assertThat(polled.path("cursor").asText()).as("the client resumes from it").isNotEmpty();

            // told once: the same token connects again
            assertThat(poll(token, "channel=room:d").has("closed")).isFalse();
            try (WsClient back = WsClient.connect(node.ws(), token)) {
                back.await("welcome", n -> true);
            }
        }
    }

    @Test
    void aDisconnectWithoutReconnectTellsEveryClientNotToComeBackByItself() throws Exception {
        String token = RunningGateway.token("erin", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.ws(), token);
             SseClient sse = SseClient.open(node.pub("/sse?channel=room:e"), bearer(token))) {
            ws.await("welcome", n -> true);
            sse.connected();
            CompletableFuture<HttpResponse<String>> held = heldPoll("erin", token, "room:e");

            assertThat(apply(new ControlCommand.Disconnect("acme", "erin", null, false))).isEqualTo(3);

            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(4410);
            assertThat(ws.closeReason).isEqualTo("disconnected");
            JsonNode close = sse.await("rtgw.close", e -> true).data();
            assertThat(close.path("reason").asText()).isEqualTo("disconnected");
            assertThat(close.path("reconnect").asBoolean()).isFalse();
            sse.awaitEnd();
            assertThat(sse.retries).as("no short retry: only the stream's normal one").hasSize(1);
            JsonNode polled = LongPolls.answer(held);
            assertThat(polled.path("closed").asText()).isEqualTo("disconnected");
            assertThat(polled.path("reconnect").asBoolean()).isFalse();
        }
    }

    @Test
    void aLongPollClientBetweenTwoPollsIsToldAtItsNextPollExactlyOnce() throws Exception {
        String token = RunningGateway.token("finn", "acme", "room:*");
        String cursor = poll(token, "channel=room:f").path("cursor").asText();
        assertThat(node.gateway.directory().sessionsOf("acme", "finn")).as("no poll held").isEmpty();

        assertThat(apply(new ControlCommand.Disconnect("acme", "finn", null, true))).isEqualTo(1);

        JsonNode told = poll(token, "channel=room:f&timeout=55&cursor=" + cursor);
        assertThat(told.path("closed").asText()).isEqualTo("disconnected");
        assertThat(told.path("reconnect").asBoolean()).isTrue();
        assertThat(LongPolls.items(told)).isEmpty();
        JsonNode next = poll(token, "channel=room:f&cursor=" + cursor + "&timeout=1");
        assertThat(next.has("closed")).as("told once").isFalse();
    }

    @Test
    void aServerUnsubscribeEndsTheChannelOnEveryTransportAndAResubscribeIsJudgedAgain() throws Exception {
        String token = RunningGateway.token("gail", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.ws(), token);
             SseClient sse = SseClient.open(node.pub("/sse?channel=room:g&channel=room:other"), bearer(token))) {
            ws.await("welcome", n -> true);
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:g\"}");
            ws.subscribed("room:g");
            sse.connected();
            CompletableFuture<HttpResponse<String>> held = heldPoll("gail", token, "room:g");

            assertThat(apply(new ControlCommand.Unsubscribe("acme", "gail", "room:g"))).isEqualTo(3);

            JsonNode unsubscribed = ws.await("unsubscribed", n -> n.path("channel").asText().equals("room:g"));
            assertThat(unsubscribed.path("reason").asText()).isEqualTo("server");
            JsonNode sseUnsubscribed = sse.await("rtgw.unsubscribed", e -> true).data();
            assertThat(sseUnsubscribed.path("channel").asText()).isEqualTo("room:g");
            assertThat(sseUnsubscribed.path("reason").asText()).isEqualTo("server");
            JsonNode polled = LongPolls.answer(held);
            assertThat(LongPolls.items(polled)).singleElement().satisfies(i -> {
                assertThat(i.path("type").asText()).isEqualTo("unsubscribed");
                assertThat(i.path("channel").asText()).isEqualTo("room:g");
                assertThat(i.path("reason").asText()).isEqualTo("server");
            });
            assertThat(polled.has("closed")).isFalse();

            // the connections go on; the channel's messages no longer reach them
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:g\",\"data\":\"after\"}");
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:other\",\"data\":\"still\"}");
            sse.await("message", e -> e.data().path("data").asText().equals("still"));
            assertThat(sse.dataOf("room:g")).isEmpty();
            assertThat(sse.ended).isFalse();
            // a resubscribe is judged by the token's grants again, and allowed here
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:g\",\"ref\":\"again\"}");
            assertThat(ws.await("subscribed", n -> n.path("ref").asText().equals("again")).path("channel").asText())
                    .isEqualTo("room:g");
            assertThat(ws.dataOf("room:g")).isEmpty();
        }
    }

    @Test
    void aLongPollClientBetweenTwoPollsLearnsOfAServerUnsubscribeAtItsNextPoll() throws Exception {
        String token = RunningGateway.token("kim", "acme", "room:*");
        String cursor = poll(token, "channel=room:k1&channel=room:k2").path("cursor").asText();

        assertThat(apply(new ControlCommand.Unsubscribe("acme", "kim", "room:k1"))).isEqualTo(1);
        node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:k1\",\"data\":\"ended\"}");

        JsonNode told = poll(token, "channel=room:k1&channel=room:k2&timeout=55&cursor=" + cursor);
        assertThat(LongPolls.items(told)).as("answered at once, without the ended channel's messages").singleElement()
                .satisfies(i -> {
                    assertThat(i.path("type").asText()).isEqualTo("unsubscribed");
                    assertThat(i.path("channel").asText()).isEqualTo("room:k1");
                    assertThat(i.path("reason").asText()).isEqualTo("server");
                });
        assertThat(told.path("cursor").asText()).isNotEqualTo(cursor);
        // a client that keeps naming the channel subscribes it again, from now (judged by its grants)
        node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:k2\",\"data\":\"kept\"}");
        JsonNode next = poll(token, "channel=room:k1&channel=room:k2&timeout=55&cursor=" + told.path("cursor").asText());
        assertThat(LongPolls.items(next)).extracting(i -> i.path("channel").asText() + " " + i.path("data").asText())
                .containsExactly("room:k2 kept");
    }

    @Test
    void aRevocationClosesLiveConnectionsAndRefusesTheTokenAtConnectAndAtRefresh() throws Exception {
        String token = RunningGateway.token("hugo", "acme", "room:*");
        String other = RunningGateway.token("ida", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.ws(), token);
             WsClient bystander = WsClient.connect(node.ws(), other);
             SseClient sse = SseClient.open(node.pub("/sse?channel=room:h"), Map.of("Cookie", "rtgw_token=" + token))) {
            ws.await("welcome", n -> true);
            bystander.await("welcome", n -> true);
            sse.connected();
            CompletableFuture<HttpResponse<String>> held = heldPoll("hugo", token, "room:h");
            long before = System.currentTimeMillis() / 1000 + 5; // covers the tokens above (iat = now)

            assertThat(apply(new ControlCommand.Revoke(Revocation.ofUser("acme", "hugo", before)))).isEqualTo(3);

            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(4410);
            assertThat(ws.closeReason).isEqualTo("revoked");
            JsonNode close = sse.await("rtgw.close", e -> true).data();
            assertThat(close.path("reason").asText()).isEqualTo("revoked");
            assertThat(close.path("reconnect").asBoolean()).isFalse();
            sse.awaitEnd();
            assertThat(LongPolls.answer(held).path("closed").asText()).isEqualTo("revoked");

            // at connect, on every transport, and from a cookie too (EventSource must stop)
            try (WsClient again = WsClient.connect(node.ws(), token)) {
                again.awaitClose();
                assertThat(again.closeCode).isEqualTo(4410);
                assertThat(again.closeReason).isEqualTo("revoked");
            }
            for (Map<String, String> headers : List.of(bearer(token), Map.of("Cookie", "rtgw_token=" + token))) {
                for (String path : List.of("/sse?channel=room:h", "/poll?channel=room:h")) {
                    HttpResponse<String> r = SseClient.get(node.pub(path), headers);
                    assertThat(r.statusCode()).as(path + " " + headers.keySet()).isEqualTo(401);
                    assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("revoked");
                }
            }

            // another user's connection is untouched, and cannot refresh to a revoked token
            String stolen = RunningGateway.token("ida", "acme", "room:*");
            assertThat(apply(new ControlCommand.Revoke(Revocation.ofToken("acme", "no-such-jti", before)))).isZero();
            bystander.send("{\"type\":\"refresh\",\"token\":\"" + token + "\"}");
            JsonNode refused = bystander.await("error", n -> true);
            assertThat(refused.path("code").asText()).isEqualTo("revoked");
            assertThat(refused.path("temporary").asBoolean()).isFalse();
            bystander.send("{\"type\":\"refresh\",\"token\":\"" + stolen + "\"}");
            bystander.await("refreshed", n -> true);
            assertThat(bystander.closeCode).isEqualTo(-1);
        }
        assertThat(node.authFailures("invalid")).isPositive();
    }

    @Test
    void closesAreCountedUnderTheirReasons() throws Exception {
        String token = RunningGateway.token("jack", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.ws(), token)) {
            ws.await("welcome", n -> true);
            apply(new ControlCommand.Disconnect("acme", "jack", null, false));
            ws.awaitClose();
        }
        await().atMost(WsClient.PATIENCE).until(() -> node.get(node.admin("/metrics")).body().lines()
                .anyMatch(l -> l.startsWith("rtgw_connections_closed_total{")
                        && l.contains("reason=\"disconnected\"") && l.contains("transport=\"websocket\"")
                        && !l.endsWith(" 0.0")));
    }
}
