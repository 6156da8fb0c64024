package io.rtgw.pubsub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.TenantLoad;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes' periodic reports (docs/protocol.md §7, {@code info}, {@code channels}, {@code users}),
 * kept in hashes with one field per node (docs/scaling.md, "Control plane keys in Redis"). A node
 * counts as live while its last report is younger than 3 intervals; readers skip the others and
 * delete their fields on the way, without waiting for that. Each hash also expires by itself a
 * while after its last write, so nothing stays behind once the whole fleet is gone.
 */
final class NodeReports {
    private static final Logger log = LoggerFactory.getLogger(NodeReports.class);
    /** JSON written by a newer node may carry more fields; an older reader ignores them. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * How long a tenant's hash outlives its last write. Reporters rewrite every tenant they hold
     * about once a minute (to heal lost writes), well within this.
     */
    static final Duration MIN_TENANT_TTL = Duration.ofMinutes(5);

    private final Supplier<RedisClusterAsyncCommands<String, String>> commands;
    private final ControlKeys keys;
    private final Duration liveWindow;
    private final Duration tenantTtl;
    private final Clock clock;
    private final QuietLog badReports = new QuietLog(log, 10, java.util.concurrent.TimeUnit.SECONDS);

    NodeReports(Supplier<RedisClusterAsyncCommands<String, String>> commands, ControlKeys keys,
                Duration reportInterval, Clock clock) {
        if (reportInterval.isNegative() || reportInterval.isZero()) {
            throw new IllegalArgumentException("reportInterval: " + reportInterval + " (expected: > 0)");
        }
        this.commands = commands;
        this.keys = keys;
        this.liveWindow = reportInterval.multipliedBy(3);
        Duration twoWindows = liveWindow.multipliedBy(2);
        this.tenantTtl = twoWindows.compareTo(MIN_TENANT_TTL) > 0 ? twoWindows : MIN_TENANT_TTL;
        this.clock = clock;
    }

    /** One pipelined batch: the node's report and its changed tenants, each key's expiry pushed on. */
    CompletableFuture<Void> report(NodeReport node, Map<String, TenantLoad> changedTenants) {
        try {
            RedisClusterAsyncCommands<String, String> redis = commands.get();
            List<CompletableFuture<?>> writes = new ArrayList<>(2 + 2 * changedTenants.size());
            writes.add(redis.hset(keys.nodes(), node.id(), json(node)).toCompletableFuture());
            // the whole fleet silent for this long: no node is live, the hash can go
            writes.add(redis.pexpire(keys.nodes(), liveWindow.multipliedBy(2)).toCompletableFuture());
            for (Map.Entry<String, TenantLoad> tenant : changedTenants.entrySet()) {
                String key = keys.tenantLoad(tenant.getKey());
                if (tenant.getValue().isEmpty()) {
                    writes.add(redis.hdel(key, node.id()).toCompletableFuture());
                } else {
                    writes.add(redis.hset(key, node.id(), json(tenant.getValue())).toCompletableFuture());
                    writes.add(redis.pexpire(key, tenantTtl).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CompletableFuture<List<NodeReport>> nodes() {
        try {
            return commands.get().hgetall(keys.nodes()).toCompletableFuture().thenApply(this::live);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Both hashes read back to back on one connection: one round trip, to one master on Cluster. */
    CompletableFuture<List<TenantLoad>> tenantLoad(String tenant) {
        try {
            RedisClusterAsyncCommands<String, String> redis = commands.get();
            String key = keys.tenantLoad(tenant);
            RedisFuture<Map<String, String>> nodes = redis.hgetall(keys.nodes());
            RedisFuture<Map<String, String>> loads = redis.hgetall(key);
            return nodes.toCompletableFuture().thenCombine(loads, (n, l) -> {
                Set<String> live = new HashSet<>();
                live(n).forEach(report -> live.add(report.id()));
                List<TenantLoad> out = new ArrayList<>(l.size());
                List<String> stale = new ArrayList<>();
                for (Map.Entry<String, String> field : l.entrySet()) {
                    TenantLoad load = live.contains(field.getKey()) ? parse(field.getValue(), TenantLoad.class) : null;
                    if (load == null) {
                        stale.add(field.getKey());
                    } else {
                        out.add(load);
                    }
                }
                forget(key, stale);
                return out;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Best effort, at a node's orderly stop: it leaves {@code info} at once, not 3 intervals later. */
    CompletableFuture<Long> remove(String nodeId) {
        try {
            return commands.get().hdel(keys.nodes(), nodeId).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private List<NodeReport> live(Map<String, String> fields) {
        long oldest = clock.millis() - liveWindow.toMillis();
        List<NodeReport> out = new ArrayList<>(fields.size());
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            NodeReport report = parse(field.getValue(), NodeReport.class);
            if (report == null || report.reportedAt() < oldest || !field.getKey().equals(report.id())) {
                stale.add(field.getKey());
            } else {
                out.add(report);
            }
        }
        forget(keys.nodes(), stale);
        return out;
    }

    /**
     * Fire and forget: deleting a field readers skip anyway only saves the next reader the work.
     * A node that reports again right after loses at most that one write, which its next report
     * (or its tenants' periodic rewrite) puts back.
     */
    private void forget(String key, List<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        try {
            commands.get().hdel(key, fields.toArray(String[]::new));
        } catch (RuntimeException e) {
            log.debug("deleting stale report fields of {} failed", key, e);
        }
    }

    private <T> T parse(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException | RuntimeException e) {
            badReports.warn("ignored a report that does not parse as {}: {}", type.getSimpleName(),
                    ControlMessages.abbreviated(String.valueOf(e.getMessage())));
            return null;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
