package io.rtgw.core.control;

import java.util.concurrent.CompletableFuture;

/** How a {@link ControlPlane} reaches its node. Called off the event loops; must not block. */
public interface ControlListener {
    /**
     * Applies a command of any node (this one included) to this node's connections and state.
     *
     * @return how many connections (disconnect, revoke) or subscriptions (unsubscribe) it affected,
     *         once each affected connection's own thread has acted
     */
    CompletableFuture<Integer> apply(ControlCommand command);

    /**
     * The node was cut off from the control channel and is back: commands may have been missed,
     * so it re-reads what it keeps (the revocation set).
     */
    default void onRejoined() {
    }
}
