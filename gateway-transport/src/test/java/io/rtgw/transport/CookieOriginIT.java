package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.DisconnectReason;
import io.rtgw.core.auth.AuthFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cross-site WebSocket hijacking and its SSE/long-poll siblings: with no allow-list, a page of
 * another origin must not ride on the victim's cookie (docs/protocol.md §3), while the gateway's
 * own pages, non-browser clients and explicit tokens keep working.
 */
class CookieOriginIT {
    private static final String EVIL = "https://evil.example";
    private static final String COOKIE = "rtgw_token=" + token("alice", "acme", "room:*");
    private TestNode node;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private String ownOrigin() {
        return "http://127.0.0.1:" + node.server.address().getPort();
    }

    private WsClient ws(Map<String, String> headers) throws Exception {
        WsClient c = WsClient.connect(node.uri("/ws"), headers, true, "rtgw.v1");
        clients.add(c);
        return c;
    }

    private SseClient sse(Map<String, String> headers) throws Exception {
        SseClient c = SseClient.open(node.http("/sse?channel=room:1"), headers);
        clients.add(c);
        return c;
    }

    @Test
    void aWebSocketFromAForeignPageWithTheCookieIsUpgradedThenClosed4403() throws Exception {
        node = new TestNode();
        WsClient hijack = ws(Map.of("Origin", EVIL, "Cookie", COOKIE));
        hijack.awaitClose();
        assertThat(hijack.closeCode).isEqualTo(4403);
        assertThat(hijack.closeReason).isEqualTo("forbidden");
        assertThat(hijack.ofType("welcome")).isEmpty();
        assertThat(node.observer.authFailures).contains(AuthFailure.ORIGIN);
        assertThat(node.observer.closes).contains(DisconnectReason.FORBIDDEN);
    }

    @Test
    void aWebSocketWithTheCookieFromTheOwnOriginOrWithoutOriginIsWelcome() throws Exception {
        node = new TestNode();
        assertThat(ws(Map.of("Origin", ownOrigin(), "Cookie", COOKIE)).await("welcome", n -> true)
                .path("user").asText()).isEqualTo("alice");
        // the same origin as a browser may spell it: upper case scheme and host
        assertThat(ws(Map.of("Origin", ownOrigin().toUpperCase(), "Cookie", COOKIE)).await("welcome", n -> true)
                .path("user").asText()).isEqualTo("alice");
        assertThat(ws(Map.of("Cookie", COOKIE)).await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
    }

    @Test
    void anOtherPortOrSchemeIsAnotherOrigin() throws Exception {
        node = new TestNode();
        int port = node.server.address().getPort();
        for (String other : List.of("http://127.0.0.1:" + (port == 65535 ? port - 1 : port + 1),
                "https://127.0.0.1:" + port, "http://localhost:" + port, "null")) {
            WsClient c = ws(Map.of("Origin", other, "Cookie", COOKIE));
            c.awaitClose();
            assertThat(c.closeCode).as(other).isEqualTo(4403);
        }
    }

    @Test
    void explicitTokensAreNotAmbientAndWorkFromAnyOrigin() throws Exception {
        // (the subprotocol token is read like the header one; the test tokens' '/' is no valid subprotocol)
        node = new TestNode();
        String bearer = token("bob", "acme", "room:*");
        assertThat(ws(Map.of("Origin", EVIL, "Authorization", "Bearer " + bearer)).await("welcome", n -> true)
                .path("user").asText()).isEqualTo("bob");
        WsClient firstMessage = ws(Map.of("Origin", EVIL));
        firstMessage.send("{\"type\":\"auth\",\"token\":\"" + bearer + "\"}");
        assertThat(firstMessage.await("welcome", n -> true).path("user").asText()).isEqualTo("bob");
    }

    @Test
    void anEventStreamOrPollFromAForeignPageWithTheCookieIsRefused403() throws Exception {
        node = new TestNode();
        for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1&timeout=1")) {
            // bounded as a whole: a stream that is (wrongly) accepted never ends on its own, and a
            // request timeout would only cover the headers
            var refused = SseClient.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(node.http(path))
                    .header("Origin", EVIL).header("Cookie", COOKIE).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                    .get(WsClient.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("forbidden");
        }
        assertThat(node.observer.authFailures).filteredOn(f -> f == AuthFailure.ORIGIN).hasSize(2);
    }

    @Test
    void anEventStreamOrPollWithTheCookieFromTheOwnOriginWorks() throws Exception {
        node = new TestNode();
        SseClient stream = sse(Map.of("Origin", ownOrigin(), "Cookie", COOKIE));
        assertThat(stream.status).isEqualTo(200);
        stream.connected();
        var poll = SseClient.get(node.http("/poll?channel=room:1&timeout=1"), Map.of("Origin", ownOrigin(), "Cookie", COOKIE));
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).contains("\"cursor\"");
    }

    @Test
    void behindATrustedProxyTheForwardedSchemeAndHostAreTheOwnOrigin() throws Exception {
        node = new TestNode(s -> s, new AbuseLimits(0, 0, 0, 0, 0, 0, 0, a -> a.isLoopbackAddress(),
                AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT));
        Map<String, String> proxied = Map.of("Origin", "https://app.example.com", "Cookie", COOKIE,
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.com");
        assertThat(ws(proxied).await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        assertThat(SseClient.get(node.http("/poll?channel=room:1&timeout=1"), proxied).statusCode()).isEqualTo(200);
        WsClient foreign = ws(Map.of("Origin", EVIL, "Cookie", COOKIE,
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.com"));
        foreign.awaitClose();
        assertThat(foreign.closeCode).isEqualTo(4403);
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerDoNotMakeAForeignOriginOwn() throws Exception {
        node = new TestNode();
        WsClient c = ws(Map.of("Origin", "https://app.example.com", "Cookie", COOKIE,
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.com"));
        c.awaitClose();
        assertThat(c.closeCode).isEqualTo(4403);
    }
}
