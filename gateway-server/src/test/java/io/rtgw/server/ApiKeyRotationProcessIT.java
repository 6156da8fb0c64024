package io.rtgw.server;

import static io.rtgw.server.MainProcessIT.find;
import static io.rtgw.server.MainProcessIT.lines;
import static io.rtgw.server.MainProcessIT.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server API keys rotated on the running process: the operator rewrites the --config file and
 * sends SIGHUP; old and new keys are valid side by side, then the old one is gone. No restart.
 */
class ApiKeyRotationProcessIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY_A = "key-a-0123456789abcdef";
    private static final String KEY_B = "key-b-0123456789abcdef";

    @TempDir
    Path dir;

    private static void write(Path file, String yaml) throws Exception {
        // Written aside and moved, as an operator's tooling does: SIGHUP never reads half a file.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void hangUp(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static int publish(String admin, String key) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/api/publish"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"acme\",\"channel\":\"room:1\",\"data\":1}"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void sighupSwapsTheKeysFromTheConfigFileAndABadFileKeepsTheOldOnes() throws Exception {
        Path config = dir.resolve("rtgw.yaml");
        write(config, "api_key: [" + KEY_A + "]\n");
        Process p = start(Map.of("RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1",
                "RTGW_JWT_SECRET", RunningGateway.SECRET), "--config", config.toString());
        try {
            List<String> out = lines(p.getInputStream());
            List<String> err = lines(p.getErrorStream());
            await().atMost(Duration.ofSeconds(60)).until(() -> out.stream().anyMatch(l -> l.contains("rtgw listening")));
            String admin = "http://" + find(String.join("\n", out), "admin /(\\S+)");
            assertThat(publish(admin, KEY_A)).isEqualTo(200);
            assertThat(publish(admin, KEY_B)).isEqualTo(401);

            // rotation starts: both keys valid at once
            write(config, "api_key:\n  - " + KEY_B + "\n  - " + KEY_A + "\n");
            hangUp(p);
            await().atMost(Duration.ofSeconds(20)).until(() -> publish(admin, KEY_B) == 200);
            assertThat(publish(admin, KEY_A)).isEqualTo(200);

            // a broken file: one clear line, and the keys in use stay
            write(config, "api_key: [short]\n");
            hangUp(p);
            await().atMost(Duration.ofSeconds(20)).until(() -> out.stream().anyMatch(l -> l.contains("SIGHUP: configuration not reloaded")));
            assertThat(out.stream().filter(l -> l.contains("SIGHUP: configuration not reloaded"))).hasSize(1);
            assertThat(publish(admin, KEY_A)).isEqualTo(200);
            assertThat(publish(admin, KEY_B)).isEqualTo(200);

            // rotation ends: the old key is refused
            write(config, "api_key: [" + KEY_B + "]\n");
            hangUp(p);
            await().atMost(Duration.ofSeconds(20)).until(() -> publish(admin, KEY_A) == 401);
            assertThat(publish(admin, KEY_B)).isEqualTo(200);
            assertThat(p.isAlive()).as("SIGHUP must not stop the process; stderr: %s", err).isTrue();
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
