package io.rtgw.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.ChannelName;
import io.rtgw.core.JsonStrings;
import io.rtgw.core.presence.PresenceEntry;
import io.rtgw.core.presence.PresenceStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence sets in Redis (docs/protocol.md §9; layout in docs/scaling.md, "Presence keys"): one
 * hash per channel, {@code <prefix>:{<tenant>:<channel>}:p}, inside the channel's hash tag so it
 * shares the channel's Cluster slot. It holds
 * <ul>
 *   <li>{@code c:<client>} → JSON {@code {"node","user","since","info"}}, one field per subscribed
 *       connection, written once at its join and deleted at its leave;</li>
 *   <li>{@code n:<node>} → the Unix milliseconds until which that node's entries count: the node's
 *       lease on the channel, which its renewal batch pushes on every interval.</li>
 * </ul>
 * Redis 7.0 has no per-field expiry, hence the lease field: readers skip the entries of a node
 * whose lease has passed (or is missing) and delete them on the way, in a script that checks the
 * lease again, so a node renewing at that very moment never loses an entry. The key itself expires
 * one lease window after its last write, so a channel that the whole fleet left goes away.
 *
 * <p>Costs: a join is two pipelined commands on one key (lease and entry in one {@code HSET},
 * expiry); a leave one {@code HDEL}; a renewal two per channel the node holds entries in,
 * whatever the number of connections; a query one {@code HGETALL}. Writes go through
 * {@link BatchedWrites} (in order, batched, off the caller's thread); reads through the plane's
 * command connection.
 */
public final class RedisPresenceStore implements PresenceStore {
    private static final Logger log = LoggerFactory.getLogger(RedisPresenceStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CLIENT_FIELD = "c:";
    static final String NODE_FIELD = "n:";
    /**
     * Deletes a node's fields only if its lease is still missing or past: ARGV[1] now (ms),
     * ARGV[2] the lease field, ARGV[3..] that node's entry fields.
     */
    static final String FORGET_SCRIPT = """
            local lease = redis.call('HGET', KEYS[1], ARGV[2])
            if lease and tonumber(lease) >= tonumber(ARGV[1]) then return 0 end
            for i = 2, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
            return 1
            """;
    /** How long a lease outlives the renewal that set it, in intervals (see {@link #leaseWindow}). */
    static final double LEASE_INTERVALS = 2.5;

    private final Supplier<RedisClusterAsyncCommands<String, String>> commands;
    private final BatchedWrites writes;
    private final ChannelKeys keys;
    private final String nodeId;
    private final String leaseField;
    private final Duration lease;
    private final Clock clock;
    private final QuietLog badEntries = new QuietLog(log, 10, java.util.concurrent.TimeUnit.SECONDS);

    /**
     * @param interval the node's renewal interval ({@code RTGW_PRESENCE_INTERVAL}); leases last
     *                 {@link #leaseWindow} of it
     */
    RedisPresenceStore(Supplier<RedisClusterAsyncCommands<String, String>> commands, BatchedWrites writes,
                       String keyPrefix, String nodeId, Duration interval, Clock clock) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.writes = Objects.requireNonNull(writes, "writes");
        this.keys = new ChannelKeys(keyPrefix);
        this.nodeId = ControlKeys.checkNodeId(nodeId);
        this.leaseField = NODE_FIELD + nodeId;
        this.lease = leaseWindow(interval);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * 2.5 intervals: a node that died right after renewing vanishes within 2.5 intervals (the
     * contract says 3), and one renewal may be missed or late by half an interval without its
     * entries flickering out.
     */
    static Duration leaseWindow(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        return Duration.ofMillis((long) (interval.toMillis() * LEASE_INTERVALS));
    }

    /** The channel's presence hash: inside the channel's hash tag (docs/scaling.md). */
    String key(ChannelName channel) {
        return keys.of(channel) + ":p";
    }

    /**
     * The lease and the entry in one {@code HSET}, so a reader never sees the entry without the
     * lease. The entry's field is always new (client ids are unique), so two new fields mean the
     * lease was missing.
     */
    @Override
    public CompletableFuture<Boolean> add(ChannelName channel, PresenceEntry entry) {
        String key = key(channel);
        Map<String, String> fields = new LinkedHashMap<>(4);
        fields.put(leaseField, expiry());
        fields.put(CLIENT_FIELD + entry.client(), json(entry));
        return writes.submit(redis -> {
            CompletableFuture<Long> written = redis.hset(key, fields).toCompletableFuture();
            redis.pexpire(key, lease);
            return written.thenApply(added -> added != null && added == 2L);
        });
    }

    @Override
    public CompletableFuture<Void> remove(ChannelName channel, String client, boolean lastOfNode) {
        String key = key(channel);
        String entryField = CLIENT_FIELD + client;
        return writes.submit(redis -> (lastOfNode ? redis.hdel(key, entryField, leaseField) : redis.hdel(key, entryField))
                .thenApply(n -> (Void) null));
    }

    @Override
    public CompletableFuture<Set<ChannelName>> renew(Collection<ChannelName> channels) {
        String expiry = expiry();
        List<ChannelName> held = List.copyOf(channels);
        return writes.submit(redis -> {
            List<CompletableFuture<Boolean>> leases = new ArrayList<>(held.size());
            List<CompletableFuture<?>> all = new ArrayList<>(held.size() * 2);
            for (ChannelName channel : held) {
                String key = key(channel);
                CompletableFuture<Boolean> leaseNew = redis.hset(key, leaseField, expiry).toCompletableFuture();
                leases.add(leaseNew);
                all.add(leaseNew);
                all.add(redis.pexpire(key, lease).toCompletableFuture());
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Set<ChannelName> lost = new HashSet<>();
                for (int i = 0; i < held.size(); i++) {
                    if (Boolean.TRUE.equals(leases.get(i).join())) {
                        lost.add(held.get(i));
                    }
                }
                return lost;
            });
        });
    }

    @Override
    public CompletableFuture<Void> rewrite(ChannelName channel, Collection<PresenceEntry> entries) {
        String key = key(channel);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(leaseField, expiry());
        for (PresenceEntry e : entries) {
            fields.put(CLIENT_FIELD + e.client(), json(e));
        }
        return writes.submit(redis -> {
            CompletableFuture<Long> written = redis.hset(key, fields).toCompletableFuture();
            CompletableFuture<Boolean> expires = redis.pexpire(key, lease).toCompletableFuture();
            return CompletableFuture.allOf(written, expires);
        });
    }

    @Override
    public CompletableFuture<List<PresenceEntry>> entries(ChannelName channel) {
        try {
            String key = key(channel);
            return commands.get().hgetall(key).toCompletableFuture().thenApply(fields -> live(key, fields));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The entries of nodes whose lease holds; the others are deleted on the way (fire and forget). */
    private List<PresenceEntry> live(String key, Map<String, String> fields) {
        long now = clock.millis();
        Set<String> liveNodes = new HashSet<>();
        Set<String> deadNodes = new HashSet<>();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (f.getKey().startsWith(NODE_FIELD)) {
                String node = f.getKey().substring(NODE_FIELD.length());
                if (leaseHolds(f.getValue(), now)) {
                    liveNodes.add(node);
                } else {
                    deadNodes.add(node);
                }
            }
        }
        List<PresenceEntry> out = new ArrayList<>();
        Map<String, List<String>> deadEntries = new HashMap<>();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (!f.getKey().startsWith(CLIENT_FIELD)) {
                continue;
            }
            String client = f.getKey().substring(CLIENT_FIELD.length());
            Stored stored = parse(client, f.getValue());
            if (stored != null && liveNodes.contains(stored.node())) {
                out.add(stored.entry());
            } else if (stored != null) {
                deadEntries.computeIfAbsent(stored.node(), n -> new ArrayList<>()).add(f.getKey());
            }
        }
        deadNodes.forEach(node -> deadEntries.computeIfAbsent(node, n -> new ArrayList<>()));
        deadEntries.forEach((node, entryFields) -> forget(key, node, entryFields, now));
        return out;
    }

    private static boolean leaseHolds(String value, long now) {
        try {
            return Long.parseLong(value) >= now;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Deletes a dead node's fields, unless it renewed since the read (the script checks again). */
    private void forget(String key, String node, List<String> entryFields, long now) {
        String[] args = new String[2 + entryFields.size()];
        args[0] = Long.toString(now);
        args[1] = NODE_FIELD + node;
        for (int i = 0; i < entryFields.size(); i++) {
            args[2 + i] = entryFields.get(i);
        }
        try {
            commands.get().<Long>eval(FORGET_SCRIPT, ScriptOutputType.INTEGER, new String[]{key}, args)
                    .exceptionally(e -> {
                        log.debug("deleting the expired presence of node {} in {} failed; the next read tries again",
                                node, key, e);
                        return null;
                    });
        } catch (RuntimeException e) {
            log.debug("deleting the expired presence of node {} in {} failed", node, key, e);
        }
    }

    private String expiry() {
        return Long.toString(clock.millis() + lease.toMillis());
    }

    /** Written per join, so by hand (the core's quoter) rather than through a Jackson generator. */
    private String json(PresenceEntry entry) {
        StringBuilder b = new StringBuilder(64 + nodeId.length() + entry.user().length()
                + (entry.info() == null ? 0 : entry.info().length()));
        b.append("{\"node\":");
        JsonStrings.quote(b, nodeId);
        b.append(",\"user\":");
        JsonStrings.quote(b, entry.user());
        b.append(",\"since\":").append(entry.since());
        if (entry.info() != null) {
            b.append(",\"info\":").append(entry.info()); // compact JSON already, checked when the token was
        }
        return b.append('}').toString();
    }

    private record Stored(String node, PresenceEntry entry) {
    }

    private Stored parse(String client, String value) {
        try {
            JsonNode n = JSON.readTree(value);
            JsonNode info = n.get("info");
            String node = n.path("node").asText(null);
            String user = n.path("user").asText(null);
            if (node == null || user == null) {
                throw new IllegalArgumentException("no node or user");
            }
            return new Stored(node, new PresenceEntry(client, user,
                    info == null || info.isNull() ? null : info.toString(), n.path("since").asLong()));
        } catch (IOException | RuntimeException e) {
            badEntries.warn("ignored a presence entry that does not parse: {}", e.getMessage());
            return null;
        }
    }

    /** The connection belongs to the control plane that made this store; it closes it. */
    @Override
    public void close() {
    }
}
