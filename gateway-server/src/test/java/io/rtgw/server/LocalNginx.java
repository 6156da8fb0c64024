package io.rtgw.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx running {@code docker/nginx.conf} unchanged on loopback, in front of one node.
 * The two included files that hold addresses are written here (upstream, listen); the third,
 * {@code rtgw-root.conf}, is docker's own. Prefix, pid, logs and temp paths live in a temp
 * directory, and the process is stopped by its PID.
 */
final class LocalNginx implements AutoCloseable {
    static final Path CONFIG = Path.of("..", "docker", "nginx.conf");
    private static final Path ROOT_LOCATION = Path.of("..", "docker", "nginx", "rtgw-root.conf");
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"),
            Path.of("/usr/local/nginx/sbin/nginx"));

    private final Path dir;
    private final Process process;
    final int port;

    private LocalNginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * The nginx binary. Missing nginx skips the caller's tests on a developer machine, but under
     * CI (where {@code ./gateway test} installs it) it fails them: CI must never pass by skipping.
     */
    static Path binary() {
        Optional<Path> found = CANDIDATES.stream().filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nginx"))) {
                    found = Optional.of(Path.of(d, "nginx"));
                    break;
                }
            }
        }
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("nginx is not installed; ./gateway test installs it (Debian package nginx)");
        }
        Assumptions.assumeTrue(found.isPresent(), "nginx not installed (apt-get install nginx)");
        return found.get();
    }

    /** Starts nginx proxying to {@code upstream}; retries when the picked port was taken meanwhile. */
    static LocalNginx start(InetSocketAddress upstream) throws Exception {
        Path nginx = binary();
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(nginx, upstream, freePort());
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    private static LocalNginx startOnce(Path nginx, InetSocketAddress upstream, int port) throws Exception {
        // Readable by nginx's workers, which run as "nobody" when the tests run as root: they
        // write proxy temp files (large buffered responses) below this directory.
        Path dir = Files.createTempDirectory("rtgw-nginx",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.copy(CONFIG, dir.resolve("nginx.conf"));
        Files.copy(ROOT_LOCATION, dir.resolve("rtgw-root.conf"));
        Files.writeString(dir.resolve("rtgw-upstreams.conf"), String.join("\n",
                "upstream rtgw_public { server 127.0.0.1:" + upstream.getPort() + "; }",
                // Debian's compiled-in temp paths are under /var/lib/nginx; keep this run's own.
                "client_body_temp_path " + dir.resolve("body") + ";",
                "proxy_temp_path " + dir.resolve("proxy") + ";",
                "fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "scgi_temp_path " + dir.resolve("scgi") + ";", ""));
        Files.writeString(dir.resolve("rtgw-listen.conf"), "listen 127.0.0.1:" + port + ";\n");
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(),
                "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";")
                .redirectOutput(dir.resolve("access.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
        LocalNginx running = new LocalNginx(dir, p, port);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !p.isAlive() || accepts(port));
        } catch (RuntimeException e) {
            String logs = running.logs();
            running.close();
            throw new AssertionError("nginx did not start: " + logs, e);
        }
        if (!p.isAlive()) {
            String logs = running.logs();
            running.close();
            throw new AssertionError("nginx exited with " + p.exitValue() + ": " + logs);
        }
        return running;
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** nginx's error output and access log, for assertion messages. */
    String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stderr.log", "error.log", "access.log")) {
            Path f = dir.resolve(name);
            try {
                if (Files.exists(f)) {
                    out.append("\n--- ").append(name).append('\n').append(Files.readString(f, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                out.append("\n(").append(name).append(": ").append(e).append(')');
            }
        }
        return out.toString();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SIGTERM to the master (nginx's fast shutdown, which also ends its workers), then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
