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
    /** Signalled when the last connection goes, so a drain ends then instead of at its deadline. */
    private final Object emptied = new Object();

    void added(Connection c) {
        live.add(c);
    }

    void removed(Connection c) {
        if (live.remove(c) && live.isEmpty()) {
            synchronized (emptied) {
                emptied.notifyAll();
            }
        }
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

    /**
     * Waits until no connection is left or {@code timeout} has passed, whichever comes first.
     * Called off the event loops (the drain thread); the loops only notify.
     *
     * @return true when the node holds no connection
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (emptied) {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(emptied, left);
            }
        }
        return true;
    }
}
