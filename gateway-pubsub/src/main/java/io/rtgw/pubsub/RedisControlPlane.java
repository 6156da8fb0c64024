package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlListener;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.Revocation;
import io.rtgw.core.control.TenantLoad;
import io.rtgw.core.presence.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane of a fleet sharing one Redis, Sentinel group or Redis Cluster
 * (docs/protocol.md §7): commands travel over pub/sub ({@link ControlBus}; sharded pub/sub on
 * Cluster), revocations live in sorted sets ({@link RevocationStore}), node reports in hashes
 * ({@link NodeReports}). The names are in docs/scaling.md, "Control plane keys in Redis".
 *
 * <p>It opens connections of its own (a command connection and a pub/sub link, on the Lettuce
 * threads of {@link RedisBrokerConfig#clientResources()} when given), apart from the broker's, so
 * that commands and revocations never queue behind a burst of publications. Every method but
 * {@link #start} needs the connection {@link #start} opens; called before, it fails.
 */
public final class RedisControlPlane implements ControlPlane {
    private static final Logger log = LoggerFactory.getLogger(RedisControlPlane.class);

    private final ClientResources resources;
    private final boolean ownsResources;
    private final ControlBus bus;
    private final RevocationStore revocations;
    private final NodeReports reports;
    private final String keyPrefix;
    private final Clock clock;
    /** Writes waiting to be sent: a few seconds of a connect storm's presence and event writes. */
    static final int WRITE_QUEUE = 65_536;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private volatile String nodeId;
    private BatchedWrites writes;
    private volatile boolean closed;

    public RedisControlPlane(RedisBrokerConfig config, Duration reportInterval, Duration maxTokenAge, Duration skew,
                             Clock clock) {
        Objects.requireNonNull(config, "config");
        ControlKeys keys = new ControlKeys(config.keyPrefix());
        this.keyPrefix = config.keyPrefix();
        this.clock = Objects.requireNonNull(clock, "clock");
        RedisEndpoint endpoint = RedisEndpoint.parse(config.url());
        this.ownsResources = config.clientResources() == null;
        this.resources = ownsResources ? RedisResources.create() : config.clientResources();
        this.bus = new ControlBus(config, keys, endpoint, resources);
        this.revocations = new RevocationStore(() -> bus.topology().commands(), keys,
                Objects.requireNonNull(maxTokenAge, "maxTokenAge"), Objects.requireNonNull(skew, "skew"),
                Objects.requireNonNull(clock, "clock"));
        this.reports = new NodeReports(() -> bus.topology().commands(), keys,
                Objects.requireNonNull(reportInterval, "reportInterval"), clock);
    }

    @Override
    public CompletableFuture<Void> start(String nodeId, ControlListener listener) {
        Objects.requireNonNull(listener, "listener");
        this.nodeId = nodeId;
        return bus.start(nodeId, listener);
    }

    /**
     * Fails (nothing applied anywhere) when the command cannot be published; otherwise completes
     * with the answers of the nodes that heard it, once all of them answered or at {@code timeout}.
     */
    @Override
    public CompletableFuture<Integer> broadcast(ControlCommand command, Duration timeout) {
        return bus.broadcast(command, timeout);
    }

    @Override
    public CompletableFuture<Void> storeRevocation(Revocation revocation) {
        return revocations.store(revocation);
    }

    @Override
    public CompletableFuture<Boolean> removeRevocation(Revocation revocation) {
        return revocations.remove(revocation);
    }

    @Override
    public CompletableFuture<List<Revocation>> revocations() {
        return revocations.active();
    }

    @Override
    public CompletableFuture<Void> report(NodeReport node, Map<String, TenantLoad> changedTenants) {
        return reports.report(node, changedTenants);
    }

    @Override
    public CompletableFuture<List<NodeReport>> nodes() {
        return reports.nodes();
    }

    @Override
    public CompletableFuture<List<TenantLoad>> tenantLoad(String tenant) {
        return reports.tenantLoad(tenant);
    }

    /** Presence sets in Redis, on this plane's command connection (docs/scaling.md, "Presence keys"). */
    @Override
    public PresenceStore presenceStore(String nodeId, Duration interval) {
        return new RedisPresenceStore(() -> bus.topology().commands(), writes(), keyPrefix, nodeId, interval, clock);
    }

    /** Connection-event state in Redis, on this plane's command connection (docs/scaling.md, "Event keys"). */
    @Override
    public io.rtgw.core.events.FleetState fleetState(String nodeId, Duration interval) {
        return new RedisFleetState(() -> bus.topology().commands(), writes(), keyPrefix, nodeId, interval);
    }

    /** One capped stream per tenant (docs/protocol.md §10). */
    @Override
    public java.util.Optional<io.rtgw.core.events.QueuedSink.Delivery> eventStreams(long maxLen) {
        return java.util.Optional.of(new RedisEventStreams(writes(), keyPrefix, maxLen));
    }

    /** Presence and event writes share one batching connection, made at the first use. */
    private synchronized BatchedWrites writes() {
        if (writes == null) {
            writes = new BatchedWrites("control", WRITE_QUEUE, () -> bus.topology().connectBatch(CONNECT_TIMEOUT),
                    Duration.ofSeconds(1));
        }
        return writes;
    }

    /** Whether the control link is up (subscribed and answering its probes). */
    public boolean isUp() {
        return bus.isUp() && !closed;
    }

    /** Leaves the reports (best effort, briefly) and closes every connection it opened. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String self = nodeId;
        if (self != null && bus.isUp() && LoopGuard.mayWait()) {
            try {
                reports.remove(self).get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("leaving the node reports failed; the entry ages out instead", e);
            }
        }
        BatchedWrites w;
        synchronized (this) {
            w = writes;
        }
        if (w != null) {
            w.close();
        }
        bus.close();
        if (ownsResources) {
            RedisResources.shutdown(resources);
        }
    }
}
