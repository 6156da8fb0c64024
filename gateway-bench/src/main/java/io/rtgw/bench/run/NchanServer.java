package io.rtgw.bench.run;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Nchan in Debian's nginx, with the config kept in this module (memory store, or the Redis
 * store when a Redis URL is given), its own prefix directory, loopback only, one worker process
 * pinned like our gateway; stopped by the master's PID.
 */
final class NchanServer implements Server {
    static final String PREFIX = "bench-";
    private final String cpus;
    private final String redisHostPort;
    private Process process;
    private int port;

    NchanServer(String cpus, String redisHostPort) {
        this.cpus = cpus;
        this.redisHostPort = redisHostPort;
    }

    @Override
    public String name() {
        return redisHostPort == null ? "nchan" : "nchan-redis";
    }

    @Override
    public void start(Path dir) throws Exception {
        Path prefix = dir.resolve("nchan");
        Files.createDirectories(prefix.resolve("tmp"));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String template = resource(redisHostPort == null ? "nchan/nginx-memory.conf" : "nchan/nginx-redis.conf");
        String conf = template.replace("@PREFIX@", prefix.toString()).replace("@PORT@", Integer.toString(port))
                .replace("@REDIS@", redisHostPort == null ? "" : redisHostPort);
        Path confFile = prefix.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        process = Proc.start(List.of("nginx", "-p", prefix.toString(), "-c", confFile.toString()), cpus,
                prefix.resolve("stdout.log"), null);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited at start: " + Files.readString(prefix.resolve("stdout.log"))
                        + readIfExists(prefix.resolve("error.log")));
            }
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port);
    }

    private static String readIfExists(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    static String resource(String name) throws java.io.IOException {
        try (InputStream in = NchanServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public List<Long> pids() {
        return Proc.tree(process.pid());
    }

    /** One worker process with one thread does the work; the master only supervises. */
    @Override
    public String threadGroup() {
        return ThreadGroups.NGINX;
    }

    @Override
    public void settleMemory() throws InterruptedException {
        Thread.sleep(1000); // no GC to trigger: nginx frees as it goes
    }

    @Override
    public List<String> workerArgs() {
        String sub = "127.0.0.1:" + port + "/sub/{channel}";
        return List.of("--dialect", "nchan", "--ws-url", "ws://" + sub, "--sse-url", "http://" + sub,
                "--poll-url", "http://" + sub, "--channel-prefix", PREFIX);
    }

    @Override
    public Publisher publisher(int channels, String padding) {
        return new NchanPublisher("http://127.0.0.1:" + port + "/pub/{channel}", PREFIX, channels, padding);
    }

    @Override
    public void close() {
        Proc.stop(process, 10); // SIGTERM to the master: it stops its workers
    }
}
