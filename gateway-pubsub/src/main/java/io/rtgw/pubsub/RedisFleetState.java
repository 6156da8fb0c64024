package io.rtgw.pubsub;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.events.FleetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The fleet state of connection events in Redis (docs/protocol.md §10; layout in docs/scaling.md,
 * "Event keys in Redis"). Per tenant, in the tenant's hash tag {@code {<tenant>}} so one script
 * reaches all of it on Redis Cluster:
 * <ul>
 *   <li>{@code <prefix>:{<tenant>}:ev:u} / {@code :ev:c} — hash user/channel → how many nodes hold it;</li>
 *   <li>{@code :ev:on} / {@code :ev:occ} — set of users marked online / channels marked occupied;</li>
 *   <li>{@code :ev:n:<incarnation>} — hash of what one node incarnation holds: {@code u:<user>},
 *       {@code c:<channel>}, and {@code k:<client>} → the connection's record.</li>
 * </ul>
 * Fleet-wide, in {@code {~events}}: the set {@code nodes} of incarnations, each one's lease
 * {@code lease:<incarnation>} (renewed every interval, lasting 2.5), the set
 * {@code tenants:<incarnation>} of tenants it wrote to, and {@code claim:<incarnation>}, taken with
 * {@code SET NX} by the one survivor that recovers a dead incarnation.
 *
 * <p>An incarnation is the node id plus a random suffix per start, so a restarted node with a
 * fixed {@code RTGW_NODE_ID} finds its previous life's records as those of a dead node and
 * recovers them once that lease has run out. Taking a node's records is one script per tenant
 * that empties its hash as it decrements the counts, so even two survivors racing past the claim
 * could not both emit its events.
 *
 * <p>A node's transitions go through {@link BatchedWrites} (in order, batched, off the caller's
 * thread); the renewal and the recovery, which wait for their answers on the events thread, use
 * the plane's command connection.
 */
public final class RedisFleetState implements FleetState {
    static final double LEASE_INTERVALS = 2.5;
    private static final long TIMEOUT_SECONDS = 5;

    /**
     * KEYS: counts, marks, node hash; ARGV: name, field prefix, and optionally a connection
     * record's field and value for the node hash. Returns 1 when newly marked.
     */
    static final String ARRIVE = """
            if ARGV[3] then redis.call('HSET', KEYS[3], ARGV[3], ARGV[4]) end
            if redis.call('HSETNX', KEYS[3], ARGV[2] .. ARGV[1], 1) == 1 then
              redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            end
            return redis.call('SADD', KEYS[2], ARGV[1])
            """;
    /**
     * KEYS: counts, node hash; ARGV: name, field prefix, and optionally a connection record's field
     * to delete from the node hash. Returns 1 when no node holds it now.
     */
    static final String LEAVE = """
            if ARGV[3] then redis.call('HDEL', KEYS[2], ARGV[3]) end
            if redis.call('HDEL', KEYS[2], ARGV[2] .. ARGV[1]) == 0 then return 0 end
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
              return 1
            end
            return 0
            """;
    /** KEYS: counts, marks; ARGV: name. Returns 1 once when held nowhere and still marked. */
    static final String GONE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
            return redis.call('SREM', KEYS[2], ARGV[1])
            """;
    /**
     * KEYS: user counts, online, channel counts, occupied, the dead node's hash. Empties the hash,
     * returns a flat list of kind, value: {@code k} record, {@code u} user gone, {@code c} channel gone.
     */
    static final String TAKE = """
            local all = redis.call('HGETALL', KEYS[5])
            local out = {}
            for i = 1, #all, 2 do
              local f, v = all[i], all[i + 1]
              local kind, name = string.sub(f, 1, 2), string.sub(f, 3)
              if kind == 'k:' then
                out[#out + 1] = 'k'; out[#out + 1] = v
              elseif kind == 'u:' or kind == 'c:' then
                local counts, marks = KEYS[1], KEYS[2]
                if kind == 'c:' then counts, marks = KEYS[3], KEYS[4] end
                if redis.call('HINCRBY', counts, name, -1) <= 0 then
                  redis.call('HDEL', counts, name)
                  if redis.call('SREM', marks, name) == 1 then
                    out[#out + 1] = string.sub(kind, 1, 1); out[#out + 1] = name
                  end
                end
              end
            end
            redis.call('DEL', KEYS[5])
            return out
            """;

    private final Supplier<RedisClusterAsyncCommands<String, String>> commands;
    private final BatchedWrites writes;
    private final String prefix;
    private final String incarnation;
    private final Duration lease;
    /** Tenants this incarnation wrote to, registered in {@code tenants:<incarnation>} (again at each renewal). */
    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    /** Only touched by the events thread, which runs the renewals. */
    private boolean firstRenewal = true;

    RedisFleetState(Supplier<RedisClusterAsyncCommands<String, String>> commands, BatchedWrites writes,
                    String keyPrefix, String nodeId, Duration interval) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.writes = Objects.requireNonNull(writes, "writes");
        this.prefix = new ChannelKeys(keyPrefix).prefix();
        this.incarnation = ControlKeys.checkNodeId(nodeId) + "."
                + Long.toString(ThreadLocalRandom.current().nextLong() >>> 16, 36);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        this.lease = Duration.ofMillis((long) (interval.toMillis() * LEASE_INTERVALS));
    }

    String incarnation() {
        return incarnation;
    }

    String tenantKey(String tenant, String suffix) {
        return prefix + ":{" + tenant + "}:ev:" + suffix;
    }

    String nodeKey(String tenant, String node) {
        return tenantKey(tenant, "n:" + node);
    }

    String fleetKey(String suffix) {
        return prefix + ":{~events}:" + suffix;
    }

    private String counts(Kind kind, String tenant) {
        return tenantKey(tenant, kind == Kind.USER ? "u" : "c");
    }

    private String marks(Kind kind, String tenant) {
        return tenantKey(tenant, kind == Kind.USER ? "on" : "occ");
    }

    private static String field(Kind kind) {
        return kind == Kind.USER ? "u:" : "c:";
    }

    /** The first write of a tenant also lists it under this incarnation, so a survivor knows where to look. */
    private void register(RedisClusterAsyncCommands<String, String> redis, String tenant) {
        if (tenants.add(tenant)) {
            redis.sadd(fleetKey("tenants:" + incarnation), tenant);
        }
    }

    @Override
    public CompletableFuture<Boolean> arrived(Kind kind, String tenant, String name) {
        String[] keys = {counts(kind, tenant), marks(kind, tenant), nodeKey(tenant, incarnation)};
        String field = field(kind);
        return writes.submit(redis -> {
            register(redis, tenant);
            return redis.<Long>eval(ARRIVE, ScriptOutputType.INTEGER, keys, name, field).thenApply(n -> n == 1L);
        });
    }

    @Override
    public CompletableFuture<Boolean> connectionOpenedAndArrived(String tenant, String client, String record, String user) {
        String[] keys = {counts(Kind.USER, tenant), marks(Kind.USER, tenant), nodeKey(tenant, incarnation)};
        String field = field(Kind.USER);
        return writes.submit(redis -> {
            register(redis, tenant);
            return redis.<Long>eval(ARRIVE, ScriptOutputType.INTEGER, keys, user, field, "k:" + client, record)
                    .thenApply(n -> n == 1L);
        });
    }

    @Override
    public CompletableFuture<Boolean> connectionClosedAndLeft(String tenant, String client, String user) {
        String[] keys = {counts(Kind.USER, tenant), nodeKey(tenant, incarnation)};
        String field = field(Kind.USER);
        return writes.submit(redis -> redis.<Long>eval(LEAVE, ScriptOutputType.INTEGER, keys, user, field, "k:" + client)
                .thenApply(n -> n == 1L));
    }

    @Override
    public CompletableFuture<Boolean> left(Kind kind, String tenant, String name) {
        String[] keys = {counts(kind, tenant), nodeKey(tenant, incarnation)};
        String field = field(kind);
        return writes.submit(redis -> redis.<Long>eval(LEAVE, ScriptOutputType.INTEGER, keys, name, field)
                .thenApply(n -> n == 1L));
    }

    @Override
    public CompletableFuture<Boolean> goneForGood(Kind kind, String tenant, String name) {
        String[] keys = {counts(kind, tenant), marks(kind, tenant)};
        return writes.submit(redis -> redis.<Long>eval(GONE, ScriptOutputType.INTEGER, keys, name)
                .thenApply(n -> n == 1L));
    }

    @Override
    public CompletableFuture<Boolean> connectionOpened(String tenant, String client, String record) {
        String key = nodeKey(tenant, incarnation);
        return writes.submit(redis -> {
            register(redis, tenant);
            return redis.hset(key, "k:" + client, record).thenApply(Boolean.TRUE::equals);
        });
    }

    @Override
    public CompletableFuture<Void> connectionClosed(String tenant, String client) {
        String key = nodeKey(tenant, incarnation);
        return writes.submit(redis -> redis.hdel(key, "k:" + client).thenApply(n -> (Void) null));
    }

    /**
     * Runs on the events thread, which may wait: renews the lease, then recovers every listed
     * incarnation whose lease is gone and whose claim this node wins.
     */
    @Override
    public CompletableFuture<Renewal> renewAndRecover() {
        try {
            return CompletableFuture.completedFuture(renewAndRecoverNow());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    private Renewal renewAndRecoverNow() throws Exception {
        LoopGuard.refuseOnEventLoop("renewing the fleet lease");
        RedisClusterAsyncCommands<String, String> redis = commands.get();
        // SET … GET: nil means the lease had run out (or this is the first renewal)
        RedisFuture<String> renewed = redis.setGet(fleetKey("lease:" + incarnation), "1", SetArgs.Builder.px(lease));
        RedisFuture<Long> listed = redis.sadd(fleetKey("nodes"), incarnation);
        RedisFuture<Long> registered = tenants.isEmpty() ? null
                : redis.sadd(fleetKey("tenants:" + incarnation), tenants.toArray(String[]::new));
        RedisFuture<Set<String>> nodes = redis.smembers(fleetKey("nodes"));
        boolean leaseWasLost = renewed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) == null && !firstRenewal;
        firstRenewal = false;
        listed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (registered != null) {
            registered.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        List<Leftovers> out = new ArrayList<>();
        for (String node : nodes.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (node.equals(incarnation)
                    || redis.exists(fleetKey("lease:" + node)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS) > 0) {
                continue;
            }
            String won = redis.set(fleetKey("claim:" + node), incarnation, SetArgs.Builder.nx().px(lease.multipliedBy(4)))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if ("OK".equals(won)) {
                out.addAll(recover(redis, node));
            }
        }
        return new Renewal(leaseWasLost, out);
    }

    private List<Leftovers> recover(RedisClusterAsyncCommands<String, String> redis, String node) throws Exception {
        List<Leftovers> out = new ArrayList<>();
        String nodeName = node.contains(".") ? node.substring(0, node.lastIndexOf('.')) : node;
        for (String tenant : redis.smembers(fleetKey("tenants:" + node)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            List<Object> taken = redis.<List<Object>>eval(TAKE, ScriptOutputType.MULTI, new String[]{
                    counts(Kind.USER, tenant), marks(Kind.USER, tenant), counts(Kind.CHANNEL, tenant),
                    marks(Kind.CHANNEL, tenant), nodeKey(tenant, node)}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> connections = new ArrayList<>();
            List<String> offline = new ArrayList<>();
            List<String> vacated = new ArrayList<>();
            for (int i = 0; i + 1 < taken.size(); i += 2) {
                String kind = String.valueOf(taken.get(i));
                String value = String.valueOf(taken.get(i + 1));
                switch (kind) {
                    case "k" -> connections.add(value);
                    case "u" -> offline.add(value);
                    case "c" -> vacated.add(value);
                    default -> {
                    }
                }
            }
            if (!connections.isEmpty() || !offline.isEmpty() || !vacated.isEmpty()) {
                out.add(new Leftovers(nodeName, tenant, connections, offline, vacated));
            }
        }
        redis.del(fleetKey("tenants:" + node)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        redis.srem(fleetKey("nodes"), node).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return out;
    }

    /** The plane owns the connection; the lease simply runs out. */
    @Override
    public void close() {
    }
}
