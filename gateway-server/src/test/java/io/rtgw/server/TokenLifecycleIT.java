package io.rtgw.server;

import static io.rtgw.server.RunningGateway.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.auth.DevTokens;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A connection never outlives its token: warned before, extended by a refresh, closed 4001 at the end. */
class TokenLifecycleIT {
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_JWT_SKEW", "0s", "RTGW_EXPIRING_LEAD", "2s"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String shortToken(String user, String tenant, Duration ttl) {
        return DevTokens.hs256(SECRET, user, tenant, List.of("room:*"), List.of(), ttl);
    }

    @Test
    void anUnrefreshedConnectionIsWarnedThenClosedAsExpired() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), shortToken("alice", "acme", Duration.ofSeconds(3)))) {
            c.await("welcome", n -> true);
            var expiring = c.await("expiring", n -> true);
            assertThat(expiring.path("in").asLong()).isBetween(0L, 3L);
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4001);
            assertThat(c.closeReason).isEqualTo("token_expired");
        }
    }

    @Test
    void aRefreshWithTheSameUserExtendsTheConnection() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), shortToken("bob", "acme", Duration.ofSeconds(3)))) {
            long firstExp = c.await("welcome", n -> true).path("expiresAt").asLong();
            c.await("expiring", n -> true);
            c.send("{\"type\":\"refresh\",\"token\":\"" + shortToken("bob", "acme", Duration.ofMinutes(10)) + "\"}");
            var refreshed = c.await("refreshed", n -> true);
            assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(firstExp + 60);
            // past the first token's end the connection is still there and still delivers
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() / 1000 > firstExp + 1);
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:after\"}");
            c.subscribed("room:after");
            assertThat(c.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void aRefreshForAnotherUserOrABadTokenIsRefusedAndTheConnectionKept() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), shortToken("carol", "acme", Duration.ofMinutes(5)))) {
            c.await("welcome", n -> true);
            c.send("{\"type\":\"refresh\",\"token\":\"" + shortToken("mallory", "acme", Duration.ofMinutes(5)) + "\"}");
            c.send("{\"type\":\"refresh\",\"token\":\"" + shortToken("carol", "other", Duration.ofMinutes(5)) + "\"}");
            c.send("{\"type\":\"refresh\",\"token\":\"garbage\"}");
            org.awaitility.Awaitility.await().until(() -> c.ofType("error").size() == 3);
            assertThat(c.ofType("error")).extracting(n -> n.path("code").asText())
                    .containsExactly("forbidden", "forbidden", "unauthorized");
            assertThat(c.closeCode).isEqualTo(-1);
        }
    }
}
