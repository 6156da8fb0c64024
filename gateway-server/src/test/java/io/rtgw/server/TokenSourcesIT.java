package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Token sources on SSE and long-poll as on WebSocket: the first source present decides; the
 * query string counts only when RTGW_QUERY_TOKEN is on, and then no log line ever shows it.
 */
class TokenSourcesIT {
    private static RunningGateway node(boolean queryToken) throws Exception {
        return new RunningGateway(Map.of("RTGW_QUERY_TOKEN", Boolean.toString(queryToken), "RTGW_AUTH_TIMEOUT", "1s"));
    }

    private static URI withQueryToken(RunningGateway node, String path, String token) {
        String base = path.equals("/ws") ? node.ws().toString() : node.pub(path).toString();
        return URI.create(base + (path.contains("?") ? "&" : "?") + "token=" + token);
    }

    @Test
    void aBadHeaderTokenIsRefusedEvenWithAGoodCookieOnSseAndPoll() throws Exception {
        try (RunningGateway node = node(true)) {
            Map<String, String> both = Map.of("Authorization", "Bearer garbage",
                    "Cookie", "rtgw_token=" + token("alice", "acme", "room:*"));
            for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1")) {
                assertThat(SseClient.get(node.pub(path), both).statusCode()).as(path).isEqualTo(401);
                // a bad cookie is not passed over for a good query token either
                assertThat(SseClient.get(withQueryToken(node, path, token("alice", "acme", "room:*")),
                        Map.of("Cookie", "rtgw_token=garbage")).statusCode()).as(path).isEqualTo(401);
            }
        }
    }

    @Test
    void withQueryTokensOffTheQueryIsIgnoredEverywhere() throws Exception {
        try (RunningGateway node = node(false)) {
            String good = token("alice", "acme", "room:*");
            double before = node.authFailures("missing");
            for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1")) {
                var r = SseClient.get(withQueryToken(node, path, good), Map.of());
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).contains("no token");
            }
            assertThat(node.authFailures("missing")).isEqualTo(before + 2);
            // WebSocket treats it as no token: it waits for the first-message auth, then times out
            try (WsClient c = WsClient.connect(withQueryToken(node, "/ws", good), null)) {
                c.awaitClose();
                assertThat(c.closeCode).isEqualTo(4401);
                assertThat(c.ofType("welcome")).isEmpty();
            }
        }
    }

    @Test
    void withQueryTokensOnTheyWorkOnEveryTransportAndNoLogLineShowsOne() throws Exception {
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Map<Logger, Level> levels = new HashMap<>();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        // Everything, down to DEBUG, from every library: a leak at any level is a leak. Loggers a
        // configuration quietened (io.netty, io.rtgw.connections in the test setup) are opened too.
        for (Logger l : logs.getLoggerList()) {
            if (l.getLevel() != null) {
                levels.put(l, l.getLevel());
                l.setLevel(Level.DEBUG);
            }
        }
        root.addAppender(captured);
        String good = token("alice", "acme", "room:*");
        String bad = RunningGateway.token("mallory", "acme").replaceFirst("\\.[^.]+$", ".c2lnbmF0dXJlLWZvcmdlZA");
        String expired = Jwts.hs256(RunningGateway.SECRET, expiredClaims());
        try (RunningGateway node = node(true)) {
            try (WsClient c = WsClient.connect(withQueryToken(node, "/ws", good), null)) {
                assertThat(c.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
            }
            try (SseClient s = SseClient.open(withQueryToken(node, "/sse?channel=room:1", good), Map.of())) {
                assertThat(s.status).isEqualTo(200);
                s.connected();
            }
            assertThat(SseClient.get(withQueryToken(node, "/poll?channel=room:1", good), Map.of()).statusCode())
                    .isEqualTo(200);
            for (String t : List.of(bad, expired)) {
                try (WsClient c = WsClient.connect(withQueryToken(node, "/ws", t), null)) {
                    c.awaitClose();
                    assertThat(c.closeCode).isIn(4401, 4001);
                }
                for (String path : List.of("/sse?channel=room:1", "/poll?channel=room:1", "/nope", "/sse?channel=bad%20name")) {
                    assertThat(SseClient.get(withQueryToken(node, path, t), Map.of()).statusCode()).isGreaterThanOrEqualTo(400);
                }
            }
            // the close lines of the good streams (WebSocket, SSE) and the refused WebSockets (2) are written
            await().untilAsserted(() -> assertThat(captured.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("connection closed")).count())
                    .as("close lines among %s", captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList())
                    .isGreaterThanOrEqualTo(4));
        } finally {
            root.detachAppender(captured);
            levels.forEach(Logger::setLevel);
        }
        assertThat(captured.list).isNotEmpty();
        for (String t : List.of(good, bad, expired)) {
            String signature = t.substring(t.lastIndexOf('.') + 1);
            String payload = t.split("\\.")[1];
            for (ILoggingEvent e : captured.list) {
                String line = e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
                assertThat(line).as("log line of %s", e.getLoggerName()).doesNotContain(signature).doesNotContain(payload);
            }
        }
    }

    private static Map<String, Object> expiredClaims() {
        Map<String, Object> c = new HashMap<>(Jwts.claims("old", "acme"));
        long now = java.time.Instant.now().getEpochSecond();
        c.put("iat", now - 7200);
        c.put("exp", now - 3600);
        return c;
    }
}
