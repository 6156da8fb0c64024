package io.rtgw.bench.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code --store cluster}: a Redis Cluster of masters without replicas on loopback, formed with
 * {@code redis-cli --cluster create} as gateway-testkit's RedisCluster does for the tests. Ports
 * come from 20000-29999 because each node's cluster bus listens on port + 10000, which must stay
 * below the ephemeral range the load generators use.
 */
final class RedisClusterStore implements RedisStore {
    static final int MASTERS = 3;
    private static final int LOW_PORT = 20_000;
    private static final int HIGH_PORT = 30_000;
    private static final int BUS_OFFSET = 10_000;
    private static final int FORM_SECONDS = 30;
    private final List<RedisServer> nodes = new ArrayList<>();

    RedisClusterStore(Path dir, String cpus, int masters) throws Exception {
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(new RedisServer(dir.resolve("redis-" + i), cpus, freeClusterPort(), List.of(
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")));
            }
            form(dir);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void form(Path dir) throws Exception {
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> create.add(n.hostPort()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = dir.resolve("redis-cluster-create.log");
        Process p = Proc.start(create, null, log, null);
        if (!p.waitFor(FORM_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            Proc.stop(p, 1);
            throw new IllegalStateException("redis-cli --cluster create failed, see " + log);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FORM_SECONDS);
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer n : nodes) {
                ok &= RedisInfo.bulk(n.port, "CLUSTER INFO").contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok within " + FORM_SECONDS + " s");
    }

    private static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW_PORT, HIGH_PORT);
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

    /** The seed list the gateway reads as a Cluster (docs/configuration.md, RTGW_REDIS_URL). */
    @Override
    public String url() {
        return nodes.stream().map(RedisServer::url).collect(Collectors.joining(","));
    }

    @Override
    public String hostPort() {
        return nodes.get(0).hostPort();
    }

    @Override
    public List<Long> pids() {
        List<Long> out = new ArrayList<>();
        nodes.forEach(n -> out.addAll(n.pids()));
        return out;
    }

    @Override
    public int nodes() {
        return nodes.size();
    }

    @Override
    public RedisInfo info() throws Exception {
        RedisInfo sum = RedisInfo.EMPTY;
        for (RedisServer n : nodes) {
            sum = sum.plus(n.info());
        }
        return sum;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
