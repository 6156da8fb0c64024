package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RTGW_ALLOWED_ORIGINS: CORS headers with credentials for listed origins only, preflights, 403 for others. */
class CorsIT {
    private static final String APP = "https://app.example.com";
    private static final String EVIL = "https://evil.example.net";
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway(Map.of("RTGW_ALLOWED_ORIGINS", APP + ",https://admin.example.com"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void assertCors(java.net.http.HttpHeaders headers) {
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(headers.allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
    }

    @Test
    void anSseStreamFromAnAllowedOriginCarriesCorsHeadersWithCredentials() throws Exception {
        try (SseClient s = SseClient.open(node.pub("/sse?channel=room:1"),
                Map.of("Origin", APP, "Cookie", "rtgw_token=" + token("alice", "acme", "room:*")))) {
            assertThat(s.status).isEqualTo(200);
            assertCors(s.headers);
            s.connected();
        }
    }

    @Test
    void longPollAnswersAndRefusalsFromAnAllowedOriginCarryThemToo() throws Exception {
        HttpResponse<String> ok = SseClient.get(node.pub("/poll?channel=room:1"),
                Map.of("Origin", APP, "Authorization", "Bearer " + token("alice", "acme", "room:*")));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertCors(ok.headers());
        // a page must be able to read a 401 to renew its token
        for (String path : List.of("/poll?channel=room:1", "/sse?channel=room:1")) {
            HttpResponse<String> refused = SseClient.get(node.pub(path), Map.of("Origin", APP));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertCors(refused.headers());
        }
    }

    @Test
    void withoutAnOriginNoCorsHeadersAreSentAndNothingIsRefusedForIt() throws Exception {
        HttpResponse<String> r = SseClient.get(node.pub("/poll?channel=room:1"),
                Map.of("Authorization", "Bearer " + token("alice", "acme", "room:*")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        try (WsClient c = WsClient.connect(node.ws(), token("alice", "acme"))) {
            c.await("welcome", n -> true);
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered204OnSseAndPoll() throws Exception {
        for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1")) {
            HttpResponse<String> r = node.send(HttpRequest.newBuilder(node.pub(path))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", APP).header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization").build());
            assertThat(r.statusCode()).as(path).isEqualTo(204);
            assertCors(r.headers());
            assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET");
            assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                    .containsIgnoringCase("Authorization");
        }
        HttpResponse<String> ws = node.send(HttpRequest.newBuilder(node.pub("/ws"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", APP).build());
        assertThat(ws.statusCode()).isEqualTo(405);
    }

    @Test
    void aForeignOriginIs403OnEveryTransportAndCounted() throws Exception {
        double before = node.authFailures("origin");
        Map<String, String> evil = Map.of("Origin", EVIL, "Cookie", "rtgw_token=" + token("alice", "acme", "room:*"));
        for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1")) {
            HttpResponse<String> r = SseClient.get(node.pub(path), evil);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        HttpResponse<String> preflight = node.send(HttpRequest.newBuilder(node.pub("/sse?channel=room:1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", EVIL).build());
        assertThat(preflight.statusCode()).isEqualTo(403);
        Throwable refused = catchThrowable(() -> WsClient.connect(node.ws(), evil, true, "rtgw.v1"));
        Throwable cause = refused;
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("the refused handshake, in %s", refused).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) cause).getResponse().statusCode()).isEqualTo(403);
        await().until(() -> node.authFailures("origin") >= before + 4);
        assertThat(node.authFailures("origin")).isEqualTo(before + 4);
    }
}
