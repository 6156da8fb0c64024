package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.transport.WsClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/nginx.conf}, unchanged, in front of a real node: what a browser behind the
 * documented proxy setup sees. Each transport gets its own case against {@link #proxy}.
 */
class NginxProxyIT {
    private static RunningGateway node;
    private static LocalNginx proxy;

    @BeforeAll
    static void start() throws Exception {
        LocalNginx.binary(); // skip (or fail under CI) before starting anything
        node = new RunningGateway();
        proxy = LocalNginx.start(node.gateway.publicAddress());
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aWebSocketUpgradePassesAndPublishesArrive() throws Exception {
        try (WsClient c = WsClient.connect(proxy.ws(), token("alice", "acme", "room:*"))) {
            assertThat(c.await("welcome", n -> true).path("user").asText()).as(proxy.logs()).isEqualTo("alice");
            assertThat(c.socket().getSubprotocol()).isEqualTo("rtgw.v1");
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:nginx\"}");
            c.subscribed("room:nginx");
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> r = node.publish(API_KEY,
                        "{\"tenant\":\"acme\",\"channel\":\"room:nginx\",\"data\":" + i + "}");
                assertThat(r.statusCode()).isEqualTo(200);
            }
            org.awaitility.Awaitility.await().until(() -> c.dataOf("room:nginx").size() == 3);
            assertThat(c.dataOf("room:nginx")).containsExactly("1", "2", "3");
        }
    }

    @Test
    void closeCodesPassThroughTheProxy() throws Exception {
        try (WsClient c = WsClient.connect(proxy.ws(), "not-a-jwt")) {
            c.awaitClose();
            assertThat(c.closeCode).as(proxy.logs()).isEqualTo(4401);
        }
    }

    @Test
    void otherPathsAreProxiedAndTheAdminApiIsNot() throws Exception {
        assertThat(node.get(proxy.http("/no-such-page")).statusCode()).isEqualTo(404);
        assertThat(node.get(proxy.http("/metrics")).statusCode()).isEqualTo(404);
        HttpResponse<String> publish = node.send(java.net.http.HttpRequest.newBuilder(proxy.http("/api/publish"))
                .header("Authorization", "Bearer " + API_KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"tenant\":\"acme\",\"channel\":\"room:x\",\"data\":1}")).build());
        assertThat(publish.statusCode()).isEqualTo(404);
    }

    @Test
    void serverSentEventsArriveOneByOneThroughDefaultProxyBuffering() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        var request = java.net.http.HttpRequest.newBuilder(proxy.http("/sse?channel=room:sse"))
                .header("Authorization", "Bearer " + token("alice", "acme", "room:*")).build();
        var response = java.net.http.HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        var stream = response.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stream.statusCode()).as(proxy.logs()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the stream is closed in finally
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            org.awaitility.Awaitility.await().until(() -> lines.stream().anyMatch(l -> l.equals("event: rtgw.connected")));
            for (int i = 1; i <= 3; i++) {
                node.publish(API_KEY, "{\"tenant\":\"acme\",\"channel\":\"room:sse\",\"data\":" + i + "}");
                String expected = "\"data\":" + i + "}";
                // each event must come through before the next is published: nothing waits in a proxy buffer
                org.awaitility.Awaitility.await().until(() -> lines.stream().anyMatch(l -> l.startsWith("data: ")
                        && l.contains("\"channel\":\"room:sse\"") && l.endsWith(expected)));
            }
        } finally {
            stream.body().close();
        }
    }
}
