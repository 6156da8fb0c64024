package io.rtgw.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on loopback. It is only ever stopped through its own
 * {@link Process} handle (by PID), so parallel test runs of other engineers are never touched.
 */
public final class LocalRedisServer implements RedisServer {
    private static final Logger log = LoggerFactory.getLogger(LocalRedisServer.class);
    private static final String HOST = "127.0.0.1";
    private static final int START_ATTEMPTS = 10;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final boolean appendOnly;
    private final List<String> extraArgs;
    private String sentinelMonitor;
    private int port;
    private Process process;

    private LocalRedisServer(Path dir, boolean appendOnly, List<String> extraArgs) {
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts on a free port, retrying with another one when the port is taken meanwhile. */
    public static LocalRedisServer start(boolean appendOnly, List<String> extraArgs) {
        return start(appendOnly, extraArgs, () -> freePort());
    }

    /** Starts on ports chosen by {@code ports}; used for Cluster nodes that need a port range. */
    static LocalRedisServer start(boolean appendOnly, List<String> extraArgs, PortChooser ports) {
        Path dir;
        try {
            dir = Files.createTempDirectory("rtgw-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalRedisServer server = new LocalRedisServer(dir, appendOnly, extraArgs);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            server.port = ports.next();
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
                log.debug("redis-server did not start on port {}, trying another: {}", server.port, e.getMessage());
            }
        }
        throw last;
    }

    @FunctionalInterface
    interface PortChooser {
        int next();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int randomPortIn(int fromInclusive, int toExclusive) {
        return ThreadLocalRandom.current().nextInt(fromInclusive, toExclusive);
    }

    private synchronized void launch() {
        List<String> cmd = sentinelMonitor != null ? sentinelCommand() : new ArrayList<>(List.of(RedisBinaries.server(),
                "--port", Integer.toString(port), "--bind", HOST,
                "--save", "", "--appendonly", appendOnly ? "yes" : "no",
                "--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
        cmd.addAll(extraArgs);
        Path logFile = dir.resolve("redis-" + port + ".log");
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue()
                        + " on port " + port + ": " + tail(logFile));
            }
            if (answersPing()) {
                log.info("redis-server pid {} on {}:{} (dir {}, aof {})", process.pid(), HOST, port, dir, appendOnly);
                return;
            }
            pause(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " not ready within " + READY_TIMEOUT);
    }

    /**
     * A Sentinel watching the master at {@code masterPort} under the name {@code mymaster}, with
     * short timeouts so that failovers in tests take seconds.
     */
    static LocalRedisServer startSentinel(int masterPort) {
        Path dir;
        try {
            dir = Files.createTempDirectory("rtgw-sentinel-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalRedisServer sentinel = new LocalRedisServer(dir, false, List.of());
        sentinel.sentinelMonitor = "sentinel monitor mymaster " + HOST + " " + masterPort + " 1\n"
                + "sentinel down-after-milliseconds mymaster 2000\n"
                + "sentinel failover-timeout mymaster 10000\n";
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            sentinel.port = freePort();
            try {
                sentinel.launch();
                return sentinel;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Sentinel needs a config file it can rewrite; written once, kept across restarts. */
    private List<String> sentinelCommand() {
        Path conf = dir.resolve("sentinel.conf");
        try {
            if (!Files.exists(conf)) {
                Files.writeString(conf, "bind " + HOST + "\n" + sentinelMonitor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(List.of(RedisBinaries.server(), conf.toString(), "--sentinel",
                "--port", Integer.toString(port), "--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
    }

    private boolean answersPing() {
        try {
            return List.of("PONG").equals(RespClient.call(HOST, port, 500, RespClient.utf8("PING")));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String tail(Path logFile) {
        try {
            String text = Files.readString(logFile, StandardCharsets.UTF_8);
            return text.length() > 600 ? text.substring(text.length() - 600) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(RedisBinaries.cli(), "-h", HOST, "-p", Integer.toString(port())));
        cmd.addAll(List.of(args));
        return RedisBinaries.run(cmd, Duration.ofSeconds(30));
    }

    @Override
    public List<String> command(byte[]... args) {
        return RespClient.call(HOST, port(), 10_000, args);
    }

    @Override
    public synchronized void stop() {
        terminate(false);
    }

    @Override
    public synchronized void crash() {
        terminate(true);
    }

    private void terminate(boolean forcibly) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void restart() {
        terminate(false);
        IllegalStateException last = null;
        // The same port is the point of a restart; another process may hold it briefly (TIME_WAIT
        // does not block a listening socket, but a racing test could), so try a few times.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                last = e;
                pause(200);
            }
        }
        throw last;
    }

    @Override
    public synchronized void restartEmpty() {
        terminate(false);
        try (var files = Files.list(dir)) {
            files.filter(f -> !f.getFileName().toString().endsWith(".log")).forEach(LocalRedisServer::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        terminate(false);
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("could not delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "redis-server " + HOST + ":" + port + (appendOnly ? " (aof)" : "");
    }
}
