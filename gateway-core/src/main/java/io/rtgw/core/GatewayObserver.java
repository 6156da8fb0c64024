package io.rtgw.core;

import io.rtgw.core.auth.AuthFailure;

/**
 * Hooks for metrics and logs at the points that matter to operators. Every method has a no-op
 * default; implementations must be cheap and must not block (several run once per message).
 */
public interface GatewayObserver {
    GatewayObserver NOOP = new GatewayObserver() {
    };

    default void connectionOpened(Transport transport) {
    }

    /**
     * @param identity  null when the connection never authenticated
     * @param durationNanos from open to close
     */
    default void connectionClosed(Transport transport, ClientIdentity identity, DisconnectReason reason,
                                  long durationNanos, long messagesSent) {
    }

    /** A publication was accepted; {@code source} is {@code api}, {@code websocket} or {@code redis}. */
    default void published(String source) {
    }

    /** A publication was written to a connection. */
    default void delivered(Transport transport, Publication publication) {
    }

    /** A client frame or request was received. */
    default void messageReceived(Transport transport) {
    }

    default void replayed(int messages) {
    }

    default void gap() {
    }

    /** The node read a channel's history from the broker (catch-up or fill; shared reads count once). */
    default void historyRead() {
    }

    /** A session's first catch-up was answered from its channel's recent publications, without a broker read. */
    default void resumedFromMemory() {
    }

    /** The node asked the broker for the head of a quiet channel (docs/protocol.md §5). */
    default void positionCheck() {
    }

    default void authFailure(AuthFailure reason) {
    }

    default void parseError(Transport transport) {
    }

    default void sendFailure(Transport transport) {
    }

    /** A session subscribed (+1) or left (-1) a channel. */
    default void subscriptionsChanged(int delta) {
    }

    default void brokerState(boolean up) {
    }

    /** A presence write or announcement failed (docs/protocol.md §9); the next renewal repairs it. */
    default void presenceError() {
    }
}
