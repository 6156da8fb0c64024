package io.rtgw.server;

import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.auth.DevTokens;
import io.rtgw.transport.WsClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real JWTs over a real WebSocket: every token source of docs/protocol.md §3 and the refusal codes. */
class WebSocketTokensIT {
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aBearerHeaderTokenIsWelcomedWithTheTokensIdentity() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme", "room:*"))) {
            var welcome = c.await("welcome", n -> true);
            assertThat(welcome.path("user").asText()).isEqualTo("alice");
            assertThat(welcome.path("tenant").asText()).isEqualTo("acme");
            assertThat(welcome.path("expiresAt").asLong()).isGreaterThan(Instant.now().getEpochSecond());
            c.subscribed("user:alice");
        }
    }

    @Test
    void theCookieCarriesTheTokenToo() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), Map.of("Cookie", "rtgw_token=" + token("carol", "acme")),
                true, "rtgw.v1")) {
            assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("carol");
        }
    }

    @Test
    void aTokenSubprotocolIsAcceptedAndOnlyRtgwV1IsAnswered() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), Map.of(), true, "rtgw.v1", "rtgw.token." + token("dave", "acme"))) {
            assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("dave");
            assertThat(c.socket().getSubprotocol()).isEqualTo("rtgw.v1");
        }
    }

    @Test
    void theFirstMessageMayCarryTheToken() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), null)) {
            c.send("{\"type\":\"auth\",\"token\":\"" + token("erin", "acme") + "\"}");
            assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("erin");
        }
    }

    @Test
    void aBadTokenCloses4401AndAnExpiredOne4001() throws Exception {
        String forged = DevTokens.hs256("another-secret-that-is-32-bytes-or-more!", "mallory", "acme", List.of("*"),
                List.of(), Duration.ofMinutes(5));
        try (WsClient c = WsClient.connect(node.ws(), forged)) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
        Clock hourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String expired = DevTokens.hs256(SECRET, "old", "acme", List.of(), List.of(), Duration.ofMinutes(1), hourAgo);
        try (WsClient c = WsClient.connect(node.ws(), expired)) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4001);
        }
    }

    @Test
    void theFirstSourcePresentDecidesEvenWhenALaterOneIsGood() throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), Map.of("Authorization", "Bearer garbage",
                "Cookie", "rtgw_token=" + token("frank", "acme")), true, "rtgw.v1")) {
            c.awaitClose();
            assertThat(c.closeCode).isEqualTo(4401);
        }
    }
}
