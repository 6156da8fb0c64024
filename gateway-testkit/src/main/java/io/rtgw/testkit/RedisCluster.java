package io.rtgw.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of masters without replicas on loopback. Ports come from 20000-29999 because
 * the cluster bus listens on port + 10000, which must stay below the ephemeral range.
 */
public final class RedisCluster implements AutoCloseable {
    private static final int LOW_PORT = 20_000;
    private static final int HIGH_PORT = 30_000;
    private static final int BUS_OFFSET = 10_000;
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

    private final List<LocalRedisServer> nodes;

    private RedisCluster(List<LocalRedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    public static RedisCluster start(int masters) {
        List<LocalRedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(LocalRedisServer.start(false,
                        List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                "--cluster-node-timeout", "5000"),
                        RedisCluster::freeClusterPort));
            }
            List<String> create = new ArrayList<>(List.of(RedisBinaries.cli(), "--cluster", "create"));
            for (LocalRedisServer node : nodes) {
                create.add(node.host() + ":" + node.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            RedisBinaries.run(create, FORM_TIMEOUT);
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.awaitState();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(LocalRedisServer::close);
            throw e;
        }
    }

    private void awaitState() {
        long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean allOk = nodes.stream().allMatch(n -> n.cli("CLUSTER", "INFO").contains("cluster_state:ok"));
            if (allOk) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("cluster did not reach cluster_state:ok within " + FORM_TIMEOUT);
    }

    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = LocalRedisServer.randomPortIn(LOW_PORT, HIGH_PORT);
            if (isFree(port) && isFree(port + BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair in " + LOW_PORT + "-" + HIGH_PORT);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public List<? extends RedisServer> nodes() {
        return nodes;
    }

    /** {@code redis://h1:p1,h2:p2,h3:p3}: the seed-list form the broker accepts for Cluster. */
    public String seedUri() {
        return "redis://" + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
    }

    /** Runs {@code redis-cli -c} against the first node (follows MOVED redirects). */
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(RedisBinaries.cli(), "-c", "-h", nodes.get(0).host(),
                "-p", Integer.toString(nodes.get(0).port())));
        cmd.addAll(List.of(args));
        return RedisBinaries.run(cmd, Duration.ofSeconds(30));
    }

    public void flushAll() {
        nodes.forEach(RedisServer::flushAll);
    }

    @Override
    public void close() {
        nodes.forEach(LocalRedisServer::close);
    }
}
