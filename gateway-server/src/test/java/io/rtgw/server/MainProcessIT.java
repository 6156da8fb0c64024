package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.transport.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The packaged jar as an operator starts it: what it prints, how it refuses, how it stops. */
class MainProcessIT {
    private static final Path JAR = Path.of("target", "rtgw.jar");

    static Process start(Map<String, String> env, String... args) throws Exception {
        assertThat(Files.exists(JAR)).as("the shaded jar is built before integration tests").isTrue();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("RTGW_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static List<String> lines(java.io.InputStream in) {
        List<String> out = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().forEach(out::add);
            } catch (java.io.UncheckedIOException closed) {
                // the process was killed under us: what was read is all there is
            }
        });
        t.setDaemon(true);
        t.start();
        return out;
    }

    @Test
    void withoutDevAMissingKeyStopsTheStartWithOneLine() throws Exception {
        Process p = start(Map.of("RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0"));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("rtgw: configuration error: RTGW_");
    }

    @Test
    void aBadSettingIsNamedInOneLine() throws Exception {
        Process p = start(Map.of("RTGW_HEARTBEAT", "0s"), "--dev");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).contains("RTGW_HEARTBEAT");
    }

    @Test
    void devModePrintsWhatANewcomerNeedsAndItWorksAsPrinted() throws Exception {
        Process p = start(Map.of("RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1"), "--dev");
        try {
            List<String> out = lines(p.getInputStream());
            lines(p.getErrorStream());
            await().atMost(Duration.ofSeconds(60)).until(() -> out.stream().anyMatch(l -> l.contains("curl -s -X POST")));
            String all = String.join("\n", out);
            String wsUrl = find(all, "websocket\\s+(ws://\\S+)");
            String token = find(all, "demo token[^\\n]*\\n\\s+(\\S+)");
            String curl = find(all, "(curl -s -X POST .*)");
            String adminUrl = find(curl, "(http://\\S+/api/publish)");
            String apiKey = find(curl, "Bearer ([^']+)'");
            String body = find(curl, "-d '([^']+)'");
            try (WsClient c = WsClient.connect(URI.create(wsUrl), token)) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
                c.subscribed("room:1");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(adminUrl))
                        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(c.await("message", n -> true).path("data").path("text").asText()).isEqualTo("hello");
                // the demo token grants what the demo page needs (room:*), not every channel of the tenant
                c.send("{\"type\":\"publish\",\"channel\":\"room:2\",\"data\":1,\"ref\":\"room\"}");
                c.await("ack", n -> n.path("ref").asText().equals("room"));
                c.send("{\"type\":\"subscribe\",\"channel\":\"billing:1\",\"ref\":\"s\"}");
                c.send("{\"type\":\"publish\",\"channel\":\"billing:1\",\"data\":1,\"ref\":\"p\"}");
                assertThat(c.await("error", n -> n.path("ref").asText().equals("s")).path("code").asText())
                        .isEqualTo("forbidden");
                assertThat(c.await("error", n -> n.path("ref").asText().equals("p")).path("code").asText())
                        .isEqualTo("forbidden");
            }
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    find(all, "demo page\\s+(http://\\S+)"))).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains(token);
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in:\n" + text).isTrue();
        return m.group(1);
    }
}
