package io.rtgw.server;

import static io.rtgw.server.MainProcessIT.find;
import static io.rtgw.server.MainProcessIT.lines;
import static io.rtgw.server.MainProcessIT.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.transport.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGTERM on the real process: readiness first, then every client told to reconnect, spread out, then exit 0. */
class DrainProcessIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Node(Process process, String ws, String admin, String token) {
    }

    private static Node startNode(String drain) throws Exception {
        Process p = start(Map.of("RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1",
                "RTGW_DRAIN", drain), "--dev");
        List<String> out = lines(p.getInputStream());
        lines(p.getErrorStream());
        await().atMost(Duration.ofSeconds(60)).until(() -> out.stream().anyMatch(l -> l.contains("curl -s -X POST")));
        String all = String.join("\n", out);
        String admin = find(all, "admin\\s+(http://[^/]+)/metrics");
        return new Node(p, find(all, "websocket\\s+(ws://\\S+)"), admin, find(all, "demo token[^\\n]*\\n\\s+(\\S+)"));
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void sigtermDrainsEveryClientSpreadOverThePeriodThenExitsZero() throws Exception {
        // 8 s, not less: the newcomer below must reach the node before the drain ends and it exits,
        // which on a busy machine can take a few seconds after the SIGTERM.
        Node node = startNode("8s");
        List<WsClient> clients = new ArrayList<>();
        Map<WsClient, Long> closedAt = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 12; i++) {
                WsClient c = WsClient.connect(URI.create(node.ws()), node.token());
                c.await("welcome", n -> true);
                clients.add(c);
            }
            assertThat(status(node.admin() + "/readyz")).isEqualTo(200);
            node.process().destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(20)).until(() -> status(node.admin() + "/readyz") == 503);
            // the listener still answers, and sends a newcomer elsewhere
            WsClient late = WsClient.connect(URI.create(node.ws()), node.token());
            late.awaitClose();
            assertThat(late.closeCode).isEqualTo(1012);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20)).until(() -> {
                clients.forEach(c -> {
                    if (c.closeCode != -1) {
                        closedAt.putIfAbsent(c, System.nanoTime());
                    }
                });
                return closedAt.size() == clients.size();
            });
            assertThat(clients).allSatisfy(c -> assertThat(c.closeCode).isEqualTo(1012));
            long first = closedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = closedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            // 12 clients over 8 s: not all in the same moment (a generous bound, not a timing target)
            assertThat(TimeUnit.NANOSECONDS.toMillis(last - first)).isGreaterThan(1000);
            assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.process().exitValue()).isZero();
        } finally {
            clients.forEach(WsClient::close);
            node.process().destroyForcibly();
        }
    }

    /**
     * Issue 18: Docker stops with a 10 s grace, and a drain that waited its whole period with no
     * client left got the node killed (137). A ten-minute drain with nobody to drain ends at once.
     */
    @Test
    void aDrainEndsAsSoonAsNoClientIsLeft() throws Exception {
        Node node = startNode("10m");
        try {
            WsClient leaving = WsClient.connect(URI.create(node.ws()), node.token());
            leaving.await("welcome", n -> true);
            node.process().destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(20)).until(() -> status(node.admin() + "/readyz") == 503);
            // its close is scheduled somewhere in the ten minutes; it leaves by itself first
            leaving.close();
            // far less than the ten minutes: the process goes with its last client
            assertThat(node.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(node.process().exitValue()).isZero();
        } finally {
            node.process().destroyForcibly();
        }
    }

    @Test
    void aSecondSigtermExitsWithoutWaitingForTheDrain() throws Exception {
        Node node = startNode("10m");
        try (WsClient c = WsClient.connect(URI.create(node.ws()), node.token())) {
            c.await("welcome", n -> true);
            node.process().destroy();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(node.admin() + "/readyz") == 503);
            node.process().destroy();
            // a ten-minute drain cut short: the process is gone long before
            assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(node.process().exitValue()).isEqualTo(1);
        } finally {
            node.process().destroyForcibly();
        }
    }
}
