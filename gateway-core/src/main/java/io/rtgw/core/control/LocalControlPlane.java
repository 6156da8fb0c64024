package io.rtgw.core.control;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control plane of a node on the embedded broker: the node is the whole fleet, so commands
 * apply here, revocations are kept in memory for as long as the node (and its broker) lives, and
 * the reports are the node's own.
 */
public final class LocalControlPlane implements ControlPlane {
    private final Duration maxTokenAge;
    private final Duration skew;
    private final Clock clock;
    private final Map<String, Revocation> revocations = new ConcurrentHashMap<>();
    private final Map<String, TenantLoad> load = new ConcurrentHashMap<>();
    private volatile NodeReport node;
    private volatile ControlListener listener;

    public LocalControlPlane(Duration maxTokenAge, Duration skew, Clock clock) {
        this.maxTokenAge = Objects.requireNonNull(maxTokenAge, "maxTokenAge");
        this.skew = Objects.requireNonNull(skew, "skew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletableFuture<Void> start(String nodeId, ControlListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Integer> broadcast(ControlCommand command, Duration timeout) {
        ControlListener l = listener;
        return l == null ? CompletableFuture.completedFuture(0) : l.apply(command);
    }

    @Override
    public CompletableFuture<Void> storeRevocation(Revocation revocation) {
        revocations.merge(revocation.key(), revocation, (old, fresh) -> newer(old, fresh));
        return CompletableFuture.completedFuture(null);
    }

    /** A user revocation with a later {@code before} covers more; a token's is the same token. */
    private static Revocation newer(Revocation old, Revocation fresh) {
        return fresh.byUser() && fresh.before() < old.before() ? old : fresh;
    }

    @Override
    public CompletableFuture<Boolean> removeRevocation(Revocation revocation) {
        return CompletableFuture.completedFuture(revocations.remove(revocation.key()) != null);
    }

    @Override
    public CompletableFuture<List<Revocation>> revocations() {
        long now = clock.millis() / 1000;
        revocations.values().removeIf(r -> r.keptUntil(maxTokenAge, skew) < now);
        return CompletableFuture.completedFuture(new ArrayList<>(revocations.values()));
    }

    @Override
    public CompletableFuture<Void> report(NodeReport report, Map<String, TenantLoad> changedTenants) {
        node = report;
        changedTenants.forEach((tenant, share) -> {
            if (share.isEmpty()) {
                load.remove(tenant);
            } else {
                load.put(tenant, share);
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<NodeReport>> nodes() {
        NodeReport n = node;
        return CompletableFuture.completedFuture(n == null ? List.of() : List.of(n));
    }

    @Override
    public CompletableFuture<List<TenantLoad>> tenantLoad(String tenant) {
        TenantLoad share = load.get(tenant);
        return CompletableFuture.completedFuture(share == null ? List.of() : List.of(share));
    }

    @Override
    public void close() {
        listener = null;
    }
}
