package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.DisconnectReason;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A drain reaches every kind of connection, each in its transport's way (docs/protocol.md §8). */
class DrainIT {
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void webSocketsGet1012StreamsARetryAndAClosePollsTheirAnswer() throws Exception {
        node = new TestNode();
        String bearer = token("alice", "acme", "room:*");
        try (WsClient ws = WsClient.connect(node.uri("/ws"), bearer);
             SseClient sse = SseClient.open(node.http("/sse?channel=room:1"), Map.of("Authorization", "Bearer " + bearer))) {
            ws.await("welcome", n -> true);
            sse.connected();
            String cursor = SseClient.HTTP.send(HttpRequest.newBuilder(node.http("/poll?channel=room:1"))
                            .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString())
                    .body().replaceAll(".*\"cursor\":\"([^\"]+)\".*", "$1");
            CompletableFuture<HttpResponse<String>> held = SseClient.HTTP.sendAsync(
                    HttpRequest.newBuilder(node.http("/poll?channel=room:1&timeout=55&cursor=" + cursor))
                            .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
            await().until(() -> node.context.registry().size() == 3);

            node.context.drain().start();
            node.context.registry().closeAllSpread(DisconnectReason.SHUTDOWN, Duration.ofMillis(600));

            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(1012);
            SseClient.Event close = sse.await("rtgw.close", e -> true);
            assertThat(close.data().path("reason").asText()).isEqualTo("shutdown");
            assertThat(sse.retries).hasSizeGreaterThanOrEqualTo(2); // the normal one, then a jittered one
            HttpResponse<String> answer = held.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"cursor\"");
            await().until(() -> node.context.registry().size() == 0);
        }
    }

    /** A drain ends with its last connection, not at its deadline (issue 18: Docker's 10 s grace). */
    @Test
    void waitingForTheRegistryToEmptyEndsWhenTheLastConnectionGoes() throws Exception {
        node = new TestNode();
        assertThat(node.context.registry().awaitEmpty(Duration.ofDays(1))).as("an idle node is empty at once").isTrue();
        CompletableFuture<Boolean> empty;
        try (WsClient ws = WsClient.connect(node.uri("/ws"), token("alice", "acme", "room:*"))) {
            ws.await("welcome", n -> true);
            empty = CompletableFuture.supplyAsync(() -> {
                try {
                    return node.context.registry().awaitEmpty(Duration.ofDays(1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(empty).isNotDone();
        }
        // the client left by itself; a day-long wait ends with it
        assertThat(empty.get(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void waitingGivesUpAtTheTimeoutWhileConnectionsStay() throws Exception {
        node = new TestNode();
        try (WsClient ws = WsClient.connect(node.uri("/ws"), token("alice", "acme", "room:*"))) {
            ws.await("welcome", n -> true);
            assertThat(node.context.registry().awaitEmpty(Duration.ofMillis(50))).isFalse();
        }
    }
}
