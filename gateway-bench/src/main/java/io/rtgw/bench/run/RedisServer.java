package io.rtgw.bench.run;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A throw-away redis-server on a loopback port, no persistence, on the server's cores. */
final class RedisServer implements RedisStore {
    private final Process process;
    final int port;

    /** On a free port the OS picks. */
    RedisServer(Path dir, String cpus) throws Exception {
        this(dir, cpus, freePort(), List.of());
    }

    /** On {@code port}, with {@code extraArgs} (a Cluster node's flags); its files go to {@code dir}. */
    RedisServer(Path dir, String cpus, int port, List<String> extraArgs) throws Exception {
        this.port = port;
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--maxclients", "10000"));
        cmd.addAll(extraArgs);
        process = Proc.start(cmd, cpus, dir.resolve("redis.log"), null);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("redis-server did not start, see " + dir.resolve("redis.log"));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String url() {
        return "redis://" + hostPort();
    }

    @Override
    public List<Long> pids() {
        return Proc.tree(process.pid());
    }

    @Override
    public int nodes() {
        return 1;
    }

    @Override
    public RedisInfo info() throws Exception {
        return RedisInfo.read(port);
    }

    @Override
    public void close() {
        Proc.stop(process, 10);
    }
}
