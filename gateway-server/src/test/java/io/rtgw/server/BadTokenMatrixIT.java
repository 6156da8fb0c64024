package io.rtgw.server;

import static io.rtgw.server.RunningGateway.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of bad token against every transport (docs/protocol.md §3 refusals, docs/security.md §6):
 * the documented status or close code, and {@code rtgw_auth_failures_total} moving under the
 * right reason. Real signed JWTs, real clients over loopback, keys made here.
 */
class BadTokenMatrixIT {
    private static final String OTHER_SECRET = "another-secret-that-is-32-bytes-or-more!";
    private static final KeyPair RSA = Jwts.rsa();
    private static RunningGateway node;

    /** One bad token; {@code reason} is the metric label every transport must count it under. */
    enum Bad {
        MALFORMED("invalid", () -> "not-a-jwt"),
        BAD_SIGNATURE("invalid", () -> Jwts.hs256(OTHER_SECRET, Jwts.claims("mallory", "acme"))),
        ALG_NONE("invalid", () -> Jwts.none(Jwts.claims("mallory", "acme"))),
        /** HS256 "signed" with the configured RSA public key as the HMAC secret. */
        ALGORITHM_CONFUSION("invalid", () -> Jwts.hs256(Jwts.pem(RSA.getPublic()).getBytes(StandardCharsets.UTF_8),
                Jwts.claims("mallory", "acme"))),
        EXPIRED("expired", () -> valid(c -> {
            long now = Instant.now().getEpochSecond();
            c.put("iat", now - 7200);
            c.put("exp", now - 3600);
        })),
        NOT_YET_VALID("invalid", () -> valid(c -> c.put("nbf", Instant.now().getEpochSecond() + 3600))),
        NO_SUB("invalid", () -> valid(c -> c.remove("sub"))),
        TENANT_BAD_CHARACTERS("invalid", () -> valid(c -> c.put("tenant", "ac:me"))),
        TENANT_TOO_LONG("invalid", () -> valid(c -> c.put("tenant", "t".repeat(65)))),
        CHANNELS_NOT_AN_ARRAY("invalid", () -> valid(c -> c.put("channels", "room:*"))),
        CHANNELS_BAD_PATTERN("invalid", () -> valid(c -> c.put("channels", List.of("room 1")))),
        /** Correctly signed, but over 8 KiB (and under the 16 KiB header limit). */
        OVERSIZED("oversized", () -> valid(c -> c.put("pad", "x".repeat(9 * 1024))));

        final String reason;
        final Supplier<String> token;

        Bad(String reason, Supplier<String> token) {
            this.reason = reason;
            this.token = token;
        }

        /** A correctly signed token whose claims {@code change} spoils. */
        private static String valid(Consumer<Map<String, Object>> change) {
            Map<String, Object> c = new HashMap<>(Jwts.claims("mallory", "acme"));
            change.accept(c);
            return Jwts.hs256(SECRET, c);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_JWT_PUBLIC_KEY", Jwts.pem(RSA.getPublic()),
                "RTGW_AUTH_TIMEOUT", "1s", "RTGW_QUERY_TOKEN", "true"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** Runs {@code action} and waits until exactly one refusal more is counted under {@code reason}. */
    private static void counted(String reason, ThrowingRunnable action) throws Exception {
        double before = node.authFailures(reason);
        action.run();
        await().until(() -> node.authFailures(reason) >= before + 1);
        assertThat(node.authFailures(reason)).as("rtgw_auth_failures_total{reason=%s}", reason).isEqualTo(before + 1);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theGoodTokenOfTheMatrixIsAcceptedEverywhere() throws Exception {
        String good = Jwts.hs256(SECRET, Jwts.claims("alice", "acme"));
        try (WsClient c = WsClient.connect(node.ws(), good)) {
            assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        }
        try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1"), bearer(good))) {
            assertThat(s.status).isEqualTo(200);
            s.connected();
        }
        assertThat(SseClient.get(node.pub("/poll?channel=room:1"), bearer(good)).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void webSocketCompletesTheUpgradeThenCloses4401Or4001(Bad bad) throws Exception {
        counted(bad.reason, () -> {
            try (WsClient c = WsClient.connect(node.ws(), bad.token.get())) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(bad == Bad.EXPIRED ? 4001 : 4401);
                assertThat(c.closeReason).isEqualTo(bad == Bad.EXPIRED ? "token_expired" : "unauthorized");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void sseAnswers401ForABadHeaderToken(Bad bad) throws Exception {
        counted(bad.reason, () -> {
            HttpResponse<String> r = SseClient.get(node.pub("/sse?channel=room:1"), bearer(bad.token.get()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            assertThat(r.body()).contains(bad == Bad.EXPIRED ? "token_expired" : "unauthorized");
        });
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void longPollAnswers401(Bad bad) throws Exception {
        counted(bad.reason, () -> {
            HttpResponse<String> r = SseClient.get(node.pub("/poll?channel=room:1"), bearer(bad.token.get()));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        });
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void aBadCookieTokenIsRefusedLikeAHeaderOne(Bad bad) throws Exception {
        Map<String, String> cookie = Map.of("Cookie", "rtgw_token=" + bad.token.get());
        counted(bad.reason, () -> assertThat(SseClient.get(node.pub("/poll?channel=room:1"), cookie).statusCode())
                .isEqualTo(401));
        if (bad != Bad.EXPIRED) { // an expired cookie on SSE is the retry case below
            counted(bad.reason, () -> assertThat(SseClient.get(node.pub("/sse?channel=room:1"), cookie).statusCode())
                    .isEqualTo(401));
        }
    }

    @Test
    void noTokenAtAllIs401OnSseAndPollAndATimeoutOnWebSocket() throws Exception {
        counted("missing", () -> assertThat(SseClient.get(node.pub("/sse?channel=room:1"), Map.of()).statusCode())
                .isEqualTo(401));
        counted("missing", () -> assertThat(SseClient.get(node.pub("/poll?channel=room:1"), Map.of()).statusCode())
                .isEqualTo(401));
        counted("missing", () -> assertThat(SseClient.get(node.pub("/sse?channel=room:1"),
                Map.of("Authorization", "Bearer ")).statusCode()).isEqualTo(401));
        // WebSocket waits for a first-message token; silence past the auth timeout is a 4401
        counted("timeout", () -> {
            try (WsClient c = WsClient.connect(node.ws(), null)) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(4401);
            }
        });
    }

    @Test
    void anExpiredCookieOnSseGets200WithALongerJitteredRetryAndTokenExpiredClose() throws Exception {
        counted("expired", () -> {
            try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1"),
                    Map.of("Cookie", "rtgw_token=" + Bad.EXPIRED.token.get()))) {
                assertThat(s.status).isEqualTo(200);
                assertThat(s.await("rtgw.close", e -> true).data().path("reason").asText()).isEqualTo("token_expired");
                s.awaitEnd();
                assertThat(s.named("rtgw.connected")).isEmpty();
                // the normal retry first, then the close's: jittered, and longer than after a live
                // expiry (10-30 s), because the page has not renewed the cookie yet
                assertThat(s.retries).hasSize(2);
                assertThat(s.retries.get(1)).isBetween(10_000L, 30_000L);
            }
        });
    }

    @Test
    void anExpiredQueryTokenOnSseIs401BecauseItsUrlCanNeverSucceed() throws Exception {
        String query = "&token=" + URLEncoder.encode(Bad.EXPIRED.token.get(), StandardCharsets.UTF_8);
        counted("expired", () -> {
            HttpResponse<String> r = SseClient.get(node.pub("/sse?channel=room:1" + query), Map.of());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("token_expired");
        });
        counted("invalid", () -> assertThat(SseClient.get(node.pub("/poll?channel=room:1&token=garbage"), Map.of())
                .statusCode()).isEqualTo(401));
    }

    @Test
    void aTokenOverTheHeaderLimitIs431OnEveryTransport() throws Exception {
        String huge = "x".repeat(20 * 1024);
        for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1", "/ws")) {
            assertThat(SseClient.get(node.pub(path), bearer(huge)).statusCode()).as(path).isEqualTo(431);
        }
        Throwable refused = catchThrowable(() -> WsClient.connect(node.ws(), huge));
        Throwable cause = refused;
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("the refused handshake, in %s", refused).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) cause).getResponse().statusCode()).isEqualTo(431);
    }
}
