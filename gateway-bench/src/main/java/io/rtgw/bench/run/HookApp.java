package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.bench.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The app beside the gateway for {@code --hook} runs: {@link io.rtgw.bench.load.ConnectHookApp} in
 * its own JVM on the load generator's cores, so that its CPU is neither the gateway's nor the
 * load's. It knows one session cookie per user; the workers present the same cookies
 * ({@code --cookie-file}) where the JWT run presents tokens.
 */
final class HookApp implements AutoCloseable {
    private final Process process;
    final URI url;
    final Path cookieFile;

    private HookApp(Process process, URI url, Path cookieFile) {
        this.process = process;
        this.url = url;
        this.cookieFile = cookieFile;
    }

    static HookApp start(Path benchJar, Path dir, int users, String cpus) throws Exception {
        SecureRandom random = new SecureRandom();
        List<String> cookies = new ArrayList<>(users);
        byte[] id = new byte[16];
        for (int u = 0; u < users; u++) {
            random.nextBytes(id);
            cookies.add("sid=" + HexFormat.of().formatHex(id));
        }
        Path file = dir.resolve("cookies.txt");
        Files.write(file, cookies);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xms64m", "-Xmx256m", "-cp", benchJar.toString(),
                "io.rtgw.bench.load.ConnectHookApp", "--cookie-file", file.toString(),
                "--tenant", RtgwServer.TENANT, "--channels", RtgwServer.PREFIX + "*");
        Process p = Proc.startPiped(cmd, cpus, dir.resolve("hook-app.log"));
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            Proc.stop(p, 5);
            throw new IllegalStateException("the hook app exited at start, see " + dir.resolve("hook-app.log"));
        }
        JsonNode ready = Json.MAPPER.readTree(line);
        return new HookApp(p, URI.create("http://127.0.0.1:" + ready.path("port").asInt() + "/connect"), file);
    }

    List<Long> pids() {
        return List.of(process.pid());
    }

    @Override
    public void close() {
        Proc.stop(process, 5);
    }
}
