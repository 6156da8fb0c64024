package io.rtgw.core;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The one transport abstraction. Transports push client commands into a {@link ClientSession};
 * the session writes back through this interface. Every method is called on {@link #executor()},
 * the single thread that owns the connection, so implementations need no locks.
 */
public interface Connection {
    /** Unique on this node. */
    String id();

    Transport transport();

    default boolean bidirectional() {
        return transport().bidirectional();
    }

    /**
     * Queues a message for the client without blocking. A connection whose queue stays over its
     * bound closes itself as {@link DisconnectReason#SLOW_CONSUMER}; sending to a closed
     * connection does nothing.
     */
    void send(ServerMessage message);

    boolean isOpen();

    /** Ends the connection, telling the client why in its transport's way. Idempotent. */
    void close(DisconnectReason reason);

    /** The reason the server gave when it closed the connection; null while open or when the peer went away. */
    default DisconnectReason closeReason() {
        return null;
    }

    /** The thread that owns this connection (its event loop). */
    ScheduledExecutorService executor();
}
