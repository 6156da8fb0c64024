package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.auth.AuthFailure;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each transport answers at connect for a revoked token, and for a token the node cannot
 * check yet because it has not loaded its revocations (docs/protocol.md §3, §7): a revoked token
 * is refused for good (WebSocket 4410, SSE and long-poll 401 {@code revoked}, also from a
 * cookie, so EventSource stops); an unchecked one is refused as temporary (WebSocket 1013, SSE a
 * retry stream, long-poll 503), never admitted.
 */
class RevokedAndUncheckedTokensIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestNode node;

    @BeforeEach
    void start() throws Exception {
        node = new TestNode();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").asText();
    }

    @Test
    void aRevokedTokenIsRefusedForGoodOnEveryTransport() throws Exception {
        try (WsClient ws = WsClient.connect(node.uri("/ws"), "revoked")) {
            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(4410);
            assertThat(ws.closeReason).isEqualTo("revoked");
            assertThat(ws.ofType("welcome")).isEmpty();
        }
        for (Map<String, String> headers : java.util.List.of(bearer("revoked"), Map.of("Cookie", "rtgw_token=revoked"))) {
            HttpResponse<String> sse = SseClient.get(node.http("/sse?channel=room:a"), headers);
            assertThat(sse.statusCode()).as("sse " + headers.keySet()).isEqualTo(401);
            assertThat(error(sse)).isEqualTo("revoked");
            HttpResponse<String> poll = SseClient.get(node.http("/poll?channel=room:a"), headers);
            assertThat(poll.statusCode()).as("poll " + headers.keySet()).isEqualTo(401);
            assertThat(error(poll)).isEqualTo("revoked");
        }
        assertThat(node.observer.authFailures).contains(AuthFailure.REVOKED);
    }

    @Test
    void aTokenThatCannotBeCheckedYetIsRefusedAsTemporaryOnEveryTransport() throws Exception {
        try (WsClient ws = WsClient.connect(node.uri("/ws"), "unchecked")) {
            ws.awaitClose();
            assertThat(ws.closeCode).isEqualTo(1013);
            assertThat(ws.closeReason).isEqualTo("unavailable");
            assertThat(ws.ofType("welcome")).isEmpty();
        }
        try (SseClient sse = SseClient.open(node.http("/sse?channel=room:a"), bearer("unchecked"))) {
            assertThat(sse.status).isEqualTo(200); // EventSource stops for good on anything else
            sse.awaitEnd();
            assertThat(sse.named("rtgw.connected")).isEmpty();
            assertThat(sse.named("rtgw.close")).singleElement().satisfies(e -> {
                assertThat(e.data().path("reason").asText()).isEqualTo("unavailable");
                assertThat(e.data().path("reconnect").asBoolean()).isTrue();
            });
            assertThat(sse.retries.get(sse.retries.size() - 1)).isBetween(1000L, 5000L);
        }
        HttpResponse<String> poll = SseClient.get(node.http("/poll?channel=room:a"), bearer("unchecked"));
        assertThat(poll.statusCode()).isEqualTo(503);
        assertThat(error(poll)).isEqualTo("unavailable");
    }
}
