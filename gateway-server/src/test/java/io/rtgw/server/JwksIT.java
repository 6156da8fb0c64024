package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RS256 tokens verified with keys from a JWKS URL served here; rotation by kid, and an outage. */
class JwksIT {
    private final KeyPair first = Jwts.rsa();
    private final KeyPair second = Jwts.rsa();
    /** Status and body of the next JWKS answer. */
    private final AtomicReference<Map.Entry<Integer, String>> answer = new AtomicReference<>();
    private HttpServer jwks;

    @BeforeEach
    void serveJwks() throws Exception {
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            Map.Entry<Integer, String> a = answer.get();
            byte[] body = a.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.getKey(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    @AfterEach
    void stopJwks() {
        jwks.stop(0);
    }

    private void publish(String kid, KeyPair key) {
        RSAKey jwk = new RSAKey.Builder((RSAPublicKey) key.getPublic()).keyID(kid).build();
        answer.set(Map.entry(200, new JWKSet(jwk).toString()));
    }

    private RunningGateway node() throws Exception {
        return new RunningGateway(Map.of("RTGW_JWT_JWKS_URL",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"));
    }

    private static String token(KeyPair key, String kid, String user) {
        return Jwts.rs256(key.getPrivate(), kid, Jwts.claims(user, "acme"));
    }

    private static int wsOutcome(RunningGateway node, String token) throws Exception {
        try (WsClient c = WsClient.connect(node.ws(), token)) {
            org.awaitility.Awaitility.await().until(() -> !c.ofType("welcome").isEmpty() || c.closeCode != -1);
            return c.ofType("welcome").isEmpty() ? c.closeCode : 200;
        }
    }

    @Test
    void aTokenWithTheKidOfARotatedInKeyIsAcceptedAfterAnUnknownKidRefresh() throws Exception {
        publish("2025-01", first);
        try (RunningGateway node = node()) {
            assertThat(wsOutcome(node, token(first, "2025-01", "alice"))).isEqualTo(200);
            assertThat(SseClient.get(node.pub("/poll?channel=room:1"),
                    Map.of("Authorization", "Bearer " + token(first, "2025-01", "alice"))).statusCode()).isEqualTo(200);

            publish("2025-02", second); // the provider rotated: only the new key is published
            assertThat(wsOutcome(node, token(second, "2025-02", "bob"))).isEqualTo(200);
            assertThat(SseClient.get(node.pub("/poll?channel=room:1"),
                    Map.of("Authorization", "Bearer " + token(second, "2025-02", "bob"))).statusCode()).isEqualTo(200);
            // the retired key is gone with the set that held it
            assertThat(wsOutcome(node, token(first, "2025-01", "alice"))).isEqualTo(4401);
            // a token signed by another key under a known kid is still a forgery
            assertThat(wsOutcome(node, token(first, "2025-02", "mallory"))).isEqualTo(4401);
        }
    }

    @Test
    void whenTheJwksServerIsDownTheLastGoodKeysStayInUse() throws Exception {
        publish("2025-01", first);
        try (RunningGateway node = node()) {
            answer.set(Map.entry(500, "{\"error\":\"down\"}"));
            // an unknown kid makes the node ask the (failing) server, which must not cost it its keys
            assertThat(wsOutcome(node, token(second, "2025-09", "bob"))).isEqualTo(4401);
            assertThat(wsOutcome(node, token(first, "2025-01", "alice"))).isEqualTo(200);
        }
    }
}
