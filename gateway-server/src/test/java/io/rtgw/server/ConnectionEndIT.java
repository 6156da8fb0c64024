package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.auth.DevTokens;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections end on time, told why, and can come back: at the token's exp (SSE: rtgw.expiring,
 * then rtgw.close token_expired with a jittered retry, and a reconnect with a renewed cookie
 * resumes without loss) and at the maximum lifetime (WebSocket 4003, SSE rtgw.close lifetime).
 */
class ConnectionEndIT {
    private static String cookie(String token) {
        return "rtgw_token=" + token;
    }

    private static String shortToken(Duration ttl) {
        return DevTokens.hs256(SECRET, "alice", "acme", List.of("room:*"), List.of(), ttl);
    }

    @Test
    void anSseStreamIsWarnedThenClosedAtExpAndResumesWithARenewedCookie() throws Exception {
        // A 20-second token (whole-second exp: 19-20 s) warned 15 s ahead: the stream must be set up
        // on a fresh node before the token ends, which a 4-second one left a busy machine little room for.
        try (RunningGateway node = new RunningGateway(Map.of("RTGW_JWT_SKEW", "0s", "RTGW_EXPIRING_LEAD", "15s"))) {
            String lastEventId;
            try (SseClient s = SseClient.open(node.pub("/sse?channel=room:life"),
                    Map.of("Cookie", cookie(shortToken(Duration.ofSeconds(20)))))) {
                s.connected();
                node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:life\",\"data\":\"before\"}");
                s.await("message", e -> e.data().path("data").asText().equals("before"));
                assertThat(s.await("rtgw.expiring", e -> true).data().path("in").asLong()).isBetween(0L, 15L);
                assertThat(s.await("rtgw.close", e -> true).data().path("reason").asText()).isEqualTo("token_expired");
                s.awaitEnd();
                assertThat(s.retries).hasSize(2);
                assertThat(s.retries.get(1)).isBetween(1000L, 5000L);
                lastEventId = s.lastEventId;
            }
            node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:life\",\"data\":\"while-away\"}");
            // what the browser does: the page renewed the cookie, EventSource reconnects with Last-Event-ID
            try (SseClient again = SseClient.open(node.pub("/sse?channel=room:life"), Map.of(
                    "Cookie", cookie(shortToken(Duration.ofMinutes(10))), "Last-Event-ID", lastEventId))) {
                again.connected();
                again.await("message", e -> e.data().path("data").asText().equals("while-away"));
                assertThat(again.dataOf("room:life")).containsExactly("\"while-away\"");
            }
        }
    }

    @Test
    void theMaximumLifetimeEndsWebSocketWith4003AndSseWithARetry() throws Exception {
        try (RunningGateway node = new RunningGateway(Map.of("RTGW_MAX_LIFETIME", "2s"))) {
            String token = RunningGateway.token("alice", "acme", "room:*");
            try (WsClient c = WsClient.connect(node.ws(), token);
                 SseClient s = SseClient.open(node.pub("/sse?channel=room:1"), Map.of("Authorization", "Bearer " + token))) {
                c.await("welcome", n -> true);
                s.connected();
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(4003);
                assertThat(c.closeReason).isEqualTo("lifetime");
                assertThat(s.await("rtgw.close", e -> true).data().path("reason").asText()).isEqualTo("lifetime");
                s.awaitEnd();
                assertThat(s.retries.get(s.retries.size() - 1)).isBetween(1000L, 5000L);
            }
        }
    }
}
