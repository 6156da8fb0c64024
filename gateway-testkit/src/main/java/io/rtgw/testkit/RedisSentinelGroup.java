package io.rtgw.testkit;

import java.util.List;

/**
 * A master, one replica and one Sentinel on loopback, with the master named {@code mymaster}:
 * enough to fail over for real and see a client follow the new master.
 */
public final class RedisSentinelGroup implements AutoCloseable {
    private final LocalRedisServer master;
    private final LocalRedisServer replica;
    private final LocalRedisServer sentinel;

    private RedisSentinelGroup(LocalRedisServer master, LocalRedisServer replica, LocalRedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    public static RedisSentinelGroup start() {
        LocalRedisServer master = LocalRedisServer.start(false, List.of());
        LocalRedisServer replica = null;
        try {
            replica = LocalRedisServer.start(false, List.of("--replicaof", master.host(), Integer.toString(master.port())));
            LocalRedisServer s = LocalRedisServer.startSentinel(master.port());
            RedisSentinelGroup group = new RedisSentinelGroup(master, replica, s);
            group.awaitReady();
            return group;
        } catch (RuntimeException e) {
            master.close();
            if (replica != null) {
                replica.close();
            }
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean linked = replica.cli("INFO", "replication").contains("master_link_status:up");
            boolean known = sentinel.cli("SENTINEL", "REPLICAS", "mymaster").contains(Integer.toString(replica.port()));
            if (linked && known) {
                return;
            }
            pause();
        }
        throw new IllegalStateException("sentinel group not ready within 30 s");
    }

    /** {@code redis-sentinel://127.0.0.1:<port>/0#mymaster}. */
    public String uri() {
        return "redis-sentinel://" + sentinel.host() + ":" + sentinel.port() + "/0#mymaster";
    }

    public RedisServer master() {
        return master;
    }

    public RedisServer replica() {
        return replica;
    }

    public RedisServer sentinel() {
        return sentinel;
    }

    /** The port Sentinel currently names as master's. */
    public int currentMasterPort() {
        String[] addr = sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").split("\\s+");
        return Integer.parseInt(addr[addr.length - 1]);
    }

    /**
     * Asks Sentinel to promote the replica (it must be in sync: use WAIT on the master first).
     * Sentinel refuses while its view of the replica is stale or a failover is still running
     * ({@code -NOGOODSLAVE}, {@code -INPROG}), which a loaded machine makes likely: asks again
     * until it agrees, for up to 30 s, and fails naming the last refusal instead of letting the
     * caller wait for a switch that was never started.
     */
    public void failover() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String reply = sentinel.cli("SENTINEL", "FAILOVER", "mymaster");
        while (!reply.equals("OK")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Sentinel would not fail over: " + reply);
            }
            pause();
            reply = sentinel.cli("SENTINEL", "FAILOVER", "mymaster");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sentinel.close();
        replica.close();
        master.close();
    }
}
