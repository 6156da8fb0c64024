package io.rtgw.core.control;

import io.rtgw.core.ClientIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's copy of the active revocations (docs/protocol.md §7), so checking a token costs two
 * map lookups and no I/O. Filled from the control plane at start, kept current by its commands,
 * re-read after the node was cut off. Any thread.
 */
public final class RevocationSet {
    private final Map<String, Revocation> byKey = new ConcurrentHashMap<>();
    private final Duration maxTokenAge;
    private final Duration skew;
    private final Clock clock;
    /** False until the first {@link #replaceAll}: before it, no token can be judged (docs/protocol.md §7). */
    private volatile boolean loaded;

    public RevocationSet(Duration maxTokenAge, Duration skew, Clock clock) {
        this.maxTokenAge = maxTokenAge;
        this.skew = skew;
        this.clock = clock;
    }

    /** Whether a token with this identity is refused. */
    public boolean revoked(ClientIdentity identity) {
        if (byKey.isEmpty()) {
            return false;
        }
        return covers(byKey.get("u|" + identity.tenant() + "|" + identity.user()), identity)
                || identity.tokenId() != null
                && covers(byKey.get("j|" + identity.tenant() + "|" + identity.tokenId()), identity);
    }

    private boolean covers(Revocation r, ClientIdentity identity) {
        return r != null && r.covers(identity) && r.keptUntil(maxTokenAge, skew) >= nowSeconds();
    }

    /** Adds a revocation; of two for the same user the later {@code before} wins, whatever the order they arrive in. */
    public void add(Revocation revocation) {
        byKey.merge(revocation.key(), revocation,
                (old, fresh) -> fresh.byUser() && fresh.before() < old.before() ? old : fresh);
    }

    public void remove(Revocation revocation) {
        byKey.remove(revocation.key());
    }

    /** Replaces the whole set with what the control plane holds (at start and after an outage). */
    public void replaceAll(Collection<Revocation> active) {
        Map<String, Revocation> fresh = new ConcurrentHashMap<>();
        active.forEach(r -> fresh.put(r.key(), r));
        byKey.keySet().retainAll(fresh.keySet());
        byKey.putAll(fresh);
        loaded = true;
    }

    /**
     * Whether the set was read from the control plane at least once. Until then a node cannot
     * know whom to refuse, so {@link RevocationCheck} refuses everyone as temporarily unavailable.
     */
    public boolean loaded() {
        return loaded;
    }

    /** Forgets revocations whose tokens are refused anyway by now. */
    public void prune() {
        long now = nowSeconds();
        byKey.values().removeIf(r -> r.keptUntil(maxTokenAge, skew) < now);
    }

    public int size() {
        return byKey.size();
    }

    /** The active revocations of a tenant. */
    public List<Revocation> of(String tenant) {
        long now = nowSeconds();
        List<Revocation> out = new ArrayList<>();
        for (Revocation r : byKey.values()) {
            if (r.tenant().equals(tenant) && r.keptUntil(maxTokenAge, skew) >= now) {
                out.add(r);
            }
        }
        return out;
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }
}
