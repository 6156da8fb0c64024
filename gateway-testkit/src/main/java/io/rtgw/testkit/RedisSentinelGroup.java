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
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
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

    /** Asks Sentinel to promote the replica (it must be in sync: use WAIT on the master first). */
    public void failover() {
        sentinel.cli("SENTINEL", "FAILOVER", "mymaster");
    }

    @Override
    public void close() {
        sentinel.close();
        replica.close();
        master.close();
    }
}
