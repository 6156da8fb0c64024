package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code RTGW_LOG_FORMAT=json} on the packaged jar: every log line on stdout is a JSON object from
 * Logback's encoder, and a WebSocket session ends with one close line naming who, how and how long.
 */
class JsonLogsProcessIT {
    private static final Path JAR = Path.of("target", "rtgw.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClosedConnectionIsOneJsonLineWithWhoHowLongAndWhy() throws Exception {
        assertThat(Files.exists(JAR)).as("the shaded jar is built before integration tests").isTrue();
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "--dev");
        pb.environment().keySet().removeIf(k -> k.startsWith("RTGW_"));
        pb.environment().putAll(Map.of("RTGW_LOG_FORMAT", "json", "RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0",
                "RTGW_BIND", "127.0.0.1"));
        Process p = pb.start();
        try {
            List<String> out = lines(p.getInputStream());
            lines(p.getErrorStream());
            await().atMost(Duration.ofSeconds(60)).until(() -> out.stream().anyMatch(l -> l.contains("curl -s -X POST")));
            String banner = String.join("\n", out);
            String curl = find(banner, "(curl -s -X POST .*)");
            try (WsClient c = WsClient.connect(URI.create(find(banner, "websocket\\s+(ws://\\S+)")),
                    find(banner, "demo token[^\\n]*\\n\\s+(\\S+)"))) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
                c.subscribed("room:1");
                HttpResponse<String> r = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(find(curl, "(http://\\S+/api/publish)")))
                                .header("Authorization", "Bearer " + find(curl, "Bearer ([^']+)'"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(find(curl, "-d '([^']+)'"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                c.await("message", n -> true);
            }
            await().until(() -> jsonLines(out).stream().anyMatch(JsonLogsProcessIT::isCloseLine));

            List<JsonNode> logs = jsonLines(out);
            assertThat(logs).allSatisfy(l -> assertThat(l.has("timestamp") && l.has("level") && l.has("loggerName")
                    && l.has("formattedMessage")).as(l.toString()).isTrue());
            assertThat(logs).anyMatch(l -> l.path("formattedMessage").asText().startsWith("rtgw listening"));
            JsonNode close = logs.stream().filter(JsonLogsProcessIT::isCloseLine).findFirst().orElseThrow();
            assertThat(close.path("level").asText()).isEqualTo("INFO");
            Map<String, String> fields = keyValues(close.path("formattedMessage").asText());
            assertThat(fields).containsEntry("transport", "websocket").containsEntry("user", "demo-user")
                    .containsEntry("tenant", "demo").containsEntry("code", "1000").containsEntry("reason", "normal")
                    .containsEntry("messages", "1");
            assertThat(Double.parseDouble(fields.get("duration_s"))).isGreaterThan(0);
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static boolean isCloseLine(JsonNode line) {
        return line.path("loggerName").asText().equals("io.rtgw.connections")
                && line.path("formattedMessage").asText().contains("user=demo-user");
    }

    /** Every stdout line that starts with '{' must be one whole JSON object (the banner is plain text). */
    private static List<JsonNode> jsonLines(List<String> out) throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : List.copyOf(out)) {
            if (line.startsWith("{")) {
                parsed.add(JSON.readTree(line));
            }
        }
        return parsed;
    }

    private static Map<String, String> keyValues(String message) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(message);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static List<String> lines(java.io.InputStream in) {
        List<String> out = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                .forEach(out::add));
        t.setDaemon(true);
        t.start();
        return out;
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in:\n" + text).isTrue();
        return m.group(1);
    }
}
