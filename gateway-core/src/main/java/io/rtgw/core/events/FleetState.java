package io.rtgw.core.events;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Who is held where, fleet-wide, for connection events (docs/protocol.md §10): one implementation
 * per broker kind. A node tells it only its own transitions (its first connection of a user, its
 * last one ended; its first subscriber of a channel, its last one left), so each call is O(1)
 * whatever the number of connections. Calls of one node reach the state in the order they were
 * made. All methods are asynchronous and never block the caller.
 */
public interface FleetState extends AutoCloseable {
    /** Users (online/offline) or channels (occupied/vacated): the same bookkeeping for both. */
    enum Kind {
        USER, CHANNEL
    }

    /**
     * This node now holds {@code name} (its first connection of the user / subscriber of the channel).
     *
     * @return true when it was not online/occupied anywhere before: emit {@code online}/{@code occupied}
     */
    CompletableFuture<Boolean> arrived(Kind kind, String tenant, String name);

    /**
     * This node no longer holds {@code name}.
     *
     * @return true when no node holds it now: wait the grace period, then ask {@link #goneForGood}
     */
    CompletableFuture<Boolean> left(Kind kind, String tenant, String name);

    /**
     * After the grace period: true exactly once fleet-wide when no node holds {@code name} and it
     * was still marked online/occupied; the caller then emits {@code offline}/{@code vacated}.
     */
    CompletableFuture<Boolean> goneForGood(Kind kind, String tenant, String name);

    /**
     * Records a connection of this node ({@code record} is its connect event's fields) so a crash can still end it.
     *
     * @return whether the record was not there yet (false when written again over itself)
     */
    CompletableFuture<Boolean> connectionOpened(String tenant, String client, String record);

    CompletableFuture<Void> connectionClosed(String tenant, String client);

    /**
     * A connection's record and its user's arrival on this node together: {@link #connectionOpened}
     * then {@link #arrived} for {@link Kind#USER}, which a store may do in one round trip (it is
     * most connects' whole state write).
     *
     * @return as {@link #arrived}
     */
    default CompletableFuture<Boolean> connectionOpenedAndArrived(String tenant, String client, String record,
                                                                  String user) {
        return connectionOpened(tenant, client, record).thenCombine(arrived(Kind.USER, tenant, user), (r, first) -> first);
    }

    /**
     * A connection's end and its user's departure from this node together: {@link #connectionClosed}
     * then {@link #left} for {@link Kind#USER}, in one round trip where the store can.
     *
     * @return as {@link #left}
     */
    default CompletableFuture<Boolean> connectionClosedAndLeft(String tenant, String client, String user) {
        return connectionClosed(tenant, client).thenCombine(left(Kind.USER, tenant, user), (r, gone) -> gone);
    }

    /**
     * Once per interval: renews this node's lease and takes over what dead nodes left (each dead
     * node's leftovers are returned to exactly one caller across the fleet).
     */
    CompletableFuture<Renewal> renewAndRecover();

    /**
     * @param leaseWasLost this node's lease had run out before this renewal (it was cut off from
     *                     the state for longer than the lease): survivors may have taken what it
     *                     holds, so it must write it all again
     * @param leftovers    what dead nodes held, for this node to emit
     */
    record Renewal(boolean leaseWasLost, List<Leftovers> leftovers) {
        public static final Renewal NOTHING = new Renewal(false, List.of());
    }

    /**
     * What a dead node held in one tenant, already removed from the fleet state.
     *
     * @param connections the connection records of {@link #connectionOpened} (each needs a {@code disconnect})
     * @param offline     users now held nowhere (each needs an {@code offline})
     * @param vacated     channels now held nowhere (each needs a {@code vacated})
     */
    record Leftovers(String node, String tenant, List<String> connections, List<String> offline, List<String> vacated) {
    }

    @Override
    void close();
}
