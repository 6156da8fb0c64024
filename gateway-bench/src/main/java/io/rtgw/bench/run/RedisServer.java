package io.rtgw.bench.run;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** A throw-away redis-server on a free loopback port, no persistence, on the server's cores. */
final class RedisServer implements AutoCloseable {
    private final Process process;
    final int port;

    RedisServer(Path dir, String cpus) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        process = Proc.start(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--maxclients", "10000"), cpus,
                dir.resolve("redis.log"), null);
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

    long pid() {
        return process.pid();
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        Proc.stop(process, 10);
    }
}
