package io.rtgw.server;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.TenantLoad;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the control plane what this node holds, every report interval (docs/protocol.md §7): the
 * node's counts for {@code GET /api/info}, and per tenant its subscribers by channel and
 * connections by user for {@code /api/channels} and {@code /api/users}. Only tenants whose load
 * changed are sent, and all of them every {@link #FULL_EVERY}th report so a store that lost some
 * (expired, restarted) is whole again soon. Runs on a thread of its own, never on an event loop;
 * a report still in flight when the next is due makes that one skip.
 */
final class NodeReporter implements AutoCloseable {
    static final int FULL_EVERY = 12;
    private static final Logger log = LoggerFactory.getLogger(NodeReporter.class);

    /** What the node is made of, read at each report. */
    record Sources(Hub hub, SessionDirectory directory, BooleanSupplier brokerUp, BooleanSupplier draining) {
    }

    private final String nodeId;
    private final String version;
    private final long startedAt;
    private final ControlPlane plane;
    private final Sources sources;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rtgw-node-reporter");
        t.setDaemon(true);
        return t;
    });
    /** Touched by the reporter thread only. */
    private Map<String, TenantLoad> lastSent = new HashMap<>();
    private long reports;
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    NodeReporter(String nodeId, String version, ControlPlane plane, Sources sources, Duration interval, Clock clock) {
        this.nodeId = nodeId;
        this.version = version;
        this.startedAt = clock.millis() / 1000;
        this.plane = plane;
        this.sources = sources;
        this.interval = interval;
        this.clock = clock;
    }

    /** The first report now, then one every interval. */
    void start() {
        thread.scheduleWithFixedDelay(this::reportSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            log.warn("node report failed: {}", e.toString());
        }
    }

    private void report() {
        if (!inFlight.isDone()) {
            return;
        }
        Map<ChannelName, Integer> subscribers = sources.hub().subscriberCounts();
        Map<String, Map<String, Integer>> channels = new HashMap<>();
        int subscriptions = 0;
        for (Map.Entry<ChannelName, Integer> e : subscribers.entrySet()) {
            channels.computeIfAbsent(e.getKey().tenant(), t -> new HashMap<>()).put(e.getKey().name(), e.getValue());
            subscriptions += e.getValue();
        }
        Map<String, Map<String, Integer>> users = sources.directory().connectionsByTenant();
        Map<String, TenantLoad> now = new HashMap<>();
        for (String tenant : union(channels, users)) {
            now.put(tenant, new TenantLoad(nodeId, channels.getOrDefault(tenant, Map.of()), users.getOrDefault(tenant, Map.of())));
        }
        Map<String, TenantLoad> changed = changes(nodeId, lastSent, now, reports++ % FULL_EVERY == 0);
        NodeReport node = new NodeReport(nodeId, version, startedAt, sources.directory().size(), subscriptions,
                sources.brokerUp().getAsBoolean(), sources.draining().getAsBoolean(), clock.millis());
        inFlight = plane.report(node, changed).whenCompleteAsync((ok, error) -> {
            if (error == null) {
                lastSent = now;
            } else {
                reports = 0; // unknown what arrived: the next report sends every tenant
                log.warn("node report failed: {}", error.toString());
            }
        }, thread);
    }

    /**
     * What to send: the tenants whose load differs from the last report (all of them when
     * {@code full}), and an empty load for each tenant the node no longer holds, which removes its share.
     */
    static Map<String, TenantLoad> changes(String nodeId, Map<String, TenantLoad> lastSent, Map<String, TenantLoad> now,
                                           boolean full) {
        Map<String, TenantLoad> changed = new HashMap<>();
        now.forEach((tenant, load) -> {
            if (full || !load.equals(lastSent.get(tenant))) {
                changed.put(tenant, load);
            }
        });
        lastSent.keySet().forEach(tenant -> {
            if (!now.containsKey(tenant)) {
                changed.put(tenant, new TenantLoad(nodeId, Map.of(), Map.of()));
            }
        });
        return changed;
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> out = new java.util.HashSet<>(a.keySet());
        out.addAll(b.keySet());
        return out;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
