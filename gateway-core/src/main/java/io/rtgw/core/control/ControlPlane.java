package io.rtgw.core.control;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The SPI that makes the server API act on every node sharing a broker (docs/protocol.md §7).
 * Implementations: in memory for the embedded broker (one node), Redis for a fleet. Every method
 * is asynchronous and must not block its caller (an event loop, as a rule).
 *
 * <p>Rules every implementation keeps:
 * <ul>
 *   <li>{@link #broadcast} reaches every live node, the caller's own included, and counts only
 *       the answers that arrived within its timeout.</li>
 *   <li>Revocations outlive a node's restart; each expires by itself at
 *       {@link Revocation#keptUntil}. {@link #start} completes only once the node listens for
 *       commands, so a revocation stored after that is never missed, and one stored before it is
 *       returned by {@link #revocations()}.</li>
 *   <li>A node that stops reporting drops out of {@link #nodes()} and {@link #tenantLoad} within 3
 *       report intervals.</li>
 * </ul>
 */
public interface ControlPlane extends AutoCloseable {

    /** Starts listening for commands as {@code nodeId}. */
    CompletableFuture<Void> start(String nodeId, ControlListener listener);

    /** Every live node applies {@code command}; completes with the sum of their answers within {@code timeout}. */
    CompletableFuture<Integer> broadcast(ControlCommand command, Duration timeout);

    /** Stores a revocation (a newer one of the same {@link Revocation#key()} replaces an older). Does not broadcast it. */
    CompletableFuture<Void> storeRevocation(Revocation revocation);

    /** Removes the revocation of that key; completes with whether one was active. Does not broadcast it. */
    CompletableFuture<Boolean> removeRevocation(Revocation revocation);

    /** Every active revocation of every tenant. */
    CompletableFuture<List<Revocation>> revocations();

    /**
     * This node's periodic report: itself, and the tenants whose load changed since its last
     * report (an empty load removes the node's share of that tenant).
     */
    CompletableFuture<Void> report(NodeReport node, Map<String, TenantLoad> changedTenants);

    /** Every node that reported within the last 3 intervals. */
    CompletableFuture<List<NodeReport>> nodes();

    /** The tenant's load on every live node. */
    CompletableFuture<List<TenantLoad>> tenantLoad(String tenant);

    @Override
    void close();

    /**
     * Where this node keeps its presence entries (docs/protocol.md §9): in memory by default (one
     * node), shared in Redis for a fleet. The store uses the plane's connection; the plane closes it.
     *
     * @param interval how often the node renews its leases ({@code RTGW_PRESENCE_INTERVAL})
     */
    default io.rtgw.core.presence.PresenceStore presenceStore(String nodeId, Duration interval) {
        return new io.rtgw.core.presence.InMemoryPresenceStore();
    }

    /**
     * Where this node keeps the fleet-wide state of connection events (docs/protocol.md §10): in
     * memory by default (one node), shared in Redis for a fleet, on the plane's connection.
     *
     * @param interval how often the node renews its lease and recovers dead nodes
     */
    default io.rtgw.core.events.FleetState fleetState(String nodeId, Duration interval) {
        return new io.rtgw.core.events.InMemoryFleetState();
    }

    /**
     * The delivery of {@code RTGW_EVENTS=redis} (a capped stream per tenant), or empty when this
     * plane has no Redis (the setting is then refused at start).
     */
    default java.util.Optional<io.rtgw.core.events.QueuedSink.Delivery> eventStreams(long maxLen) {
        return java.util.Optional.empty();
    }
}
