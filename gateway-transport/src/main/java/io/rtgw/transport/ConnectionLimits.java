package io.rtgw.transport;

import io.rtgw.core.ClientIdentity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts authenticated connections per node, tenant and user, and refuses one past a limit.
 * Counted per node: a fleet's totals are the limits times the nodes. Accepted sockets are counted
 * on their own against the same node limit (docs/protocol.md §4: every socket counts, a session
 * or not); a socket that carries a session holds both counts, each bounded by the limit.
 */
public final class ConnectionLimits {
    private final AbuseLimits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger sockets = new AtomicInteger();
    private final Map<String, AtomicInteger> byTenant = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byUser = new ConcurrentHashMap<>();

    public ConnectionLimits(AbuseLimits limits) {
        this.limits = limits;
    }

    /** Counts the connection in, or refuses it (then nothing is counted). */
    public boolean tryAcquire(ClientIdentity identity) {
        if (!take(total, limits.maxConnections())) {
            return false;
        }
        if (!take(byTenant, identity.tenant(), limits.maxPerTenant())) {
            total.decrementAndGet();
            return false;
        }
        if (!take(byUser, userKey(identity), limits.maxPerUser())) {
            give(byTenant, identity.tenant());
            total.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Counts an accepted socket in. It stays counted until {@link #closeSocket()} even when this
     * says no: a refused socket still holds a file until it is closed.
     *
     * @return the number of open sockets, this one included
     */
    public int openSocket() {
        return sockets.incrementAndGet();
    }

    public void closeSocket() {
        sockets.decrementAndGet();
    }

    /** Whether {@code openSockets} sockets are within the node limit. */
    public boolean socketsWithinLimit(int openSockets) {
        return limits.maxConnections() <= 0 || openSockets <= limits.maxConnections();
    }

    public int openSockets() {
        return sockets.get();
    }

    public void release(ClientIdentity identity) {
        total.decrementAndGet();
        give(byTenant, identity.tenant());
        give(byUser, userKey(identity));
    }

    private static String userKey(ClientIdentity identity) {
        return identity.tenant() + '\u0000' + identity.user();
    }

    private static boolean take(AtomicInteger counter, int max) {
        int now = counter.incrementAndGet();
        if (max > 0 && now > max) {
            counter.decrementAndGet();
            return false;
        }
        return true;
    }

    private static boolean take(Map<String, AtomicInteger> counters, String key, int max) {
        AtomicInteger counter = counters.compute(key, (k, c) -> {
            AtomicInteger live = c == null ? new AtomicInteger() : c;
            live.incrementAndGet();
            return live;
        });
        if (max > 0 && counter.get() > max) {
            give(counters, key);
            return false;
        }
        return true;
    }

    private static void give(Map<String, AtomicInteger> counters, String key) {
        counters.computeIfPresent(key, (k, c) -> c.decrementAndGet() <= 0 ? null : c);
    }
}
