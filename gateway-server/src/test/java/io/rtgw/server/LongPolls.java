package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/** Long-poll requests of the server-API tests (docs/protocol.md §4), with a poll held open on a node. */
final class LongPolls {
    private LongPolls() {
    }

    static CompletableFuture<HttpResponse<String>> pollAsync(RunningGateway node, String token, String query) {
        HttpRequest request = HttpRequest.newBuilder(node.pub("/poll?" + query)).GET().timeout(Duration.ofSeconds(70))
                .header("Authorization", "Bearer " + token).build();
        return SseClient.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode poll(RunningGateway node, String token, String query) throws Exception {
        return answer(pollAsync(node, token, query));
    }

    /**
     * A poll held on {@code channel}: its cursor from a first poll, then a poll waiting for news,
     * returned once the node counts it among the user's connections (so a command will find it).
     */
    static CompletableFuture<HttpResponse<String>> held(RunningGateway node, String tenant, String user, String token,
                                                        String channel) throws Exception {
        String cursor = poll(node, token, "channel=" + channel).path("cursor").asText();
        int before = node.gateway.directory().sessionsOf(tenant, user).size();
        CompletableFuture<HttpResponse<String>> held = pollAsync(node, token,
                "channel=" + channel + "&timeout=55&cursor=" + cursor);
        await().atMost(WsClient.PATIENCE).until(() -> node.gateway.directory().sessionsOf(tenant, user).size() > before);
        return held;
    }

    static JsonNode answer(CompletableFuture<HttpResponse<String>> poll) throws Exception {
        HttpResponse<String> r = poll.get(70, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RedisE2e.JSON.readTree(r.body());
    }

    static List<JsonNode> items(JsonNode answer) {
        return StreamSupport.stream(answer.path("messages").spliterator(), false).toList();
    }
}
