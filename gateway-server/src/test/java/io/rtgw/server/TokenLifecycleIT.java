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

/**
 * A connection never outlives its token: warned before, extended by a refresh, closed 4001 at the end.
 *
 * <p>Each connection starts with a long token and is switched to a short one by a refresh, so that
 * how long the upgrade takes (seconds, on a busy machine with a cold node) cannot expire the token
 * before the test begins; connecting with a 3-second token made the tests depend on that. The lead
 * leaves a client seconds to answer {@code expiring}. JWT exp is whole seconds: a token given
 * {@code SHORT} lives between a second less and {@code SHORT}.
 */
class TokenLifecycleIT {
    private static final Duration SHORT = Duration.ofSeconds(8);
    private static final Duration LEAD = Duration.ofSeconds(5);
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_JWT_SKEW", "0s", "RTGW_EXPIRING_LEAD", LEAD.toSeconds() + "s"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String token(String user, String tenant, Duration ttl) {
        return DevTokens.hs256(SECRET, user, tenant, List.of("room:*"), List.of(), ttl);
    }

    /** Connected with a long token, then refreshed to a {@code SHORT} one; returns the latter's exp. */
    private static long connectedWithAShortToken(WsClient c, String user) {
        c.await("welcome", n -> true);
        c.send(refresh(token(user, "acme", SHORT)));
        return c.await("refreshed", n -> true).path("expiresAt").asLong();
    }

    private static String refresh(String token) {
        return "{\"type\":\"refresh\",\"token\":\"" + token + "\"}";
    }

    @Test
    void anUnrefreshedConnectionIsWarnedThenClosedAsExpired() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", Duration.ofMinutes(10)))) {
            connectedWithAShortToken(c, "alice");
            var expiring = c.await("expiring", n -> true);
            assertThat(expiring.path("in").asLong()).isBetween(0L, LEAD.toSeconds());
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4001);
            assertThat(c.closeReason).isEqualTo("token_expired");
        }
    }

    @Test
    void aRefreshWithTheSameUserExtendsTheConnection() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("bob", "acme", Duration.ofMinutes(10)))) {
            long shortExp = connectedWithAShortToken(c, "bob");
            c.await("expiring", n -> true);
            c.send(refresh(token("bob", "acme", Duration.ofMinutes(10))));
            var refreshed = c.await("refreshed", n -> n.path("expiresAt").asLong() > shortExp);
            assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(shortExp + 60);
            // past the short token's end the connection is still there and still delivers
            org.awaitility.Awaitility.await().atMost(SHORT.multipliedBy(4))
                    .until(() -> System.currentTimeMillis() / 1000 > shortExp + 1);
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:after\"}");
            c.subscribed("room:after");
            assertThat(c.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void aRefreshForAnotherUserOrABadTokenIsRefusedAndTheConnectionKept() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("carol", "acme", Duration.ofMinutes(5)))) {
            c.await("welcome", n -> true);
            c.send(refresh(token("mallory", "acme", Duration.ofMinutes(5))));
            c.send(refresh(token("carol", "other", Duration.ofMinutes(5))));
            c.send(refresh("garbage"));
            org.awaitility.Awaitility.await().atMost(WsClient.PATIENCE).until(() -> c.ofType("error").size() == 3);
            assertThat(c.ofType("error")).extracting(n -> n.path("code").asText())
                    .containsExactly("forbidden", "forbidden", "unauthorized");
            assertThat(c.closeCode).isEqualTo(-1);
        }
    }
}
