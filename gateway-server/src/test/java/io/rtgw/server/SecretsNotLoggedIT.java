package io.rtgw.server;

import static io.rtgw.server.RunningGateway.ACME_KEY;
import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.rtgw.auth.DevTokens;
import io.rtgw.transport.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tokens, API keys and the JWT secret never reach a log line, at any level: every log event of a
 * node is captured (root at TRACE) while good and bad credentials arrive through every source.
 */
class SecretsNotLoggedIT {
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    /** Loggers that test configurations quieten (the transport test-jar's sets connections to WARN). */
    private static final List<Logger> OPENED = List.of(ROOT, (Logger) LoggerFactory.getLogger("io.rtgw"),
            (Logger) LoggerFactory.getLogger("io.rtgw.connections"));
    private static final ListAppender<ILoggingEvent> CAPTURED = new ListAppender<>();
    private static final List<Level> levels = new ArrayList<>();
    private static RunningGateway node;
    private final List<String> secrets = new ArrayList<>(List.of(SECRET, API_KEY, ACME_KEY));

    @BeforeAll
    static void start() throws Exception {
        for (Logger l : OPENED) {
            levels.add(l.getLevel());
            l.setLevel(Level.TRACE);
        }
        CAPTURED.start();
        ROOT.addAppender(CAPTURED);
        node = new RunningGateway(Map.of("RTGW_QUERY_TOKEN", "true"));
    }

    @AfterAll
    static void stop() {
        node.close();
        ROOT.detachAppender(CAPTURED);
        for (int i = 0; i < OPENED.size(); i++) {
            OPENED.get(i).setLevel(levels.get(i));
        }
    }

    /** A token to be used once and then looked for in the logs, with its payload and signature parts. */
    private String secret(String token) {
        secrets.add(token);
        String[] parts = token.split("\\.");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].length() >= 16) {
                secrets.add(parts[i]);
            }
        }
        return token;
    }

    @Test
    void noTokenKeyOrSecretAppearsInAnyLogEvent() throws Exception {
        webSocketTokens();
        publishKeys();
        node.get(node.pub("/nowhere?token=" + secret("query-token-on-a-404-0123456789")));
        await().until(() -> rendered().contains("user=frank")); // the last session's close line is in

        String logs = rendered();
        assertThat(CAPTURED.list).hasSizeGreaterThan(10);
        assertThat(logs).contains("reason=unauthorized", "reason=token_expired");
        for (String s : secrets) {
            assertThat(logs).as("log output must not contain a credential").doesNotContain(s);
        }
    }

    private void webSocketTokens() throws Exception {
        Clock hourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String forged = DevTokens.hs256("another-secret-that-is-32-bytes-or-more!", "mallory", "acme", List.of("*"),
                List.of(), Duration.ofMinutes(5));
        List<WsClient> clients = new ArrayList<>();
        try {
            clients.add(WsClient.connect(node.ws(), secret(token("alice", "acme", "room:*"))));
            clients.add(WsClient.connect(node.ws(), Map.of("Cookie", "rtgw_token=" + secret(token("carol", "acme"))),
                    true, "rtgw.v1"));
            clients.add(WsClient.connect(node.ws(), Map.of(), true, "rtgw.v1", "rtgw.token." + secret(token("dave", "acme"))));
            clients.add(WsClient.connect(node.ws(), secret(forged)));
            clients.add(WsClient.connect(node.ws(), secret(DevTokens.hs256(SECRET, "old", "acme", List.of(), List.of(),
                    Duration.ofMinutes(1), hourAgo))));
            clients.add(WsClient.connect(node.ws(), Map.of("Cookie", "rtgw_token=" + secret("cookie-garbage-0123456789")),
                    true, "rtgw.v1"));
            clients.add(WsClient.connect(URI.create(node.ws() + "?token=" + secret(forged.replace('.', 'x'))), null));
            // Looks like a JWT, but its parts are not JSON: parser errors must not echo the input.
            String malformed = secret("eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24tcGF5bG9hZC1RV0VSVFk.c2lnbmF0dXJlLXNob3VsZC1ub3QtbGVhaw");
            WsClient first = WsClient.connect(node.ws(), null);
            clients.add(first);
            first.send("{\"type\":\"auth\",\"token\":\"" + malformed + "\"}");
            WsClient big = WsClient.connect(node.ws(), null);
            clients.add(big);
            big.send("{\"type\":\"auth\",\"token\":\"" + secret("oversized-" + "Q".repeat(9000)) + "\"}");
            WsClient refreshing = WsClient.connect(node.ws(), secret(token("frank", "acme")));
            clients.add(refreshing);
            refreshing.await("welcome", n -> true);
            refreshing.send("{\"type\":\"refresh\",\"token\":\"" + secret(token("frank", "acme")) + "\"}");
            refreshing.await("refreshed", n -> true);
            refreshing.send("{\"type\":\"refresh\",\"token\":\"" + secret(forged.replace("mallory", "m")) + "\"}");
            refreshing.send("{\"type\":\"refresh\",\"token\":\"" + secret(token("grace", "acme")) + "\"}");
            await().until(() -> refreshing.ofType("error").size() == 2);
            clients.subList(3, 9).forEach(WsClient::awaitClose);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private void publishKeys() throws Exception {
        String body = "{\"tenant\":\"beta\",\"channel\":\"room:1\",\"data\":1}";
        assertThat(node.publish(secret("wrong-api-key-0123456789"), body).statusCode()).isEqualTo(401);
        assertThat(node.publish(ACME_KEY, body).statusCode()).isEqualTo(403);
        assertThat(node.publish(API_KEY, "{\"tenant\":\"beta\"}").statusCode()).isEqualTo(400);
        assertThat(node.publish(API_KEY, "not json").statusCode()).isEqualTo(400);
        assertThat(node.send(HttpRequest.newBuilder(node.admin("/api/publish"))
                .header("Authorization", "Basic " + secret("basic-auth-credential-0123456789"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode()).isEqualTo(401);
    }

    /** Everything an appender could print of the captured events: message, MDC, key-values, stack traces. */
    private static String rendered() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(CAPTURED.list)) {
            out.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append(' ')
                    .append(e.getMDCPropertyMap()).append(' ').append(e.getKeyValuePairs()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                out.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                for (StackTraceElementProxy s : t.getStackTraceElementProxyArray()) {
                    out.append(s.getSTEAsString()).append('\n');
                }
            }
        }
        return out.toString();
    }
}
