package io.rtgw.transport;

import io.rtgw.core.Connection;
import io.rtgw.core.DisconnectReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every live connection of the node, so that a drain can reach them all: streams, WebSockets and
 * held polls. Connections add and remove themselves.
 */
public final class ConnectionRegistry {
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();

    void added(Connection c) {
        live.add(c);
    }

    void removed(Connection c) {
        live.remove(c);
    }

    public int size() {
        return live.size();
    }

    /**
     * Closes every connection with {@code reason}, spread evenly over {@code period} with jitter
     * inside each slot, so that reconnecting clients do not all arrive at once elsewhere.
     */
    public void closeAllSpread(DisconnectReason reason, Duration period) {
        List<Connection> all = new ArrayList<>(live);
        Collections.shuffle(all);
        long slot = all.isEmpty() ? 0 : period.toNanos() / all.size();
        for (int i = 0; i < all.size(); i++) {
            Connection c = all.get(i);
            long delay = i * slot + (slot > 0 ? ThreadLocalRandom.current().nextLong(slot) : 0);
            try {
                c.executor().schedule(() -> c.close(reason), delay, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // its event loop is already gone, and the connection with it
            }
        }
    }
}
