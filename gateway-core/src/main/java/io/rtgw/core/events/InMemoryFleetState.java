package io.rtgw.core.events;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet state of the embedded broker: one node, in memory. Nothing survives a restart, so a
 * crashed embedded node's users get no {@code offline} (docs/events.md says so).
 */
public final class InMemoryFleetState implements FleetState {
    private static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Per kind: tenant → name → how many holders; and the names marked online/occupied. */
    private final Map<Kind, Map<String, Integer>> held = new EnumMap<>(Kind.class);
    private final Map<Kind, Set<String>> marked = new EnumMap<>(Kind.class);

    public InMemoryFleetState() {
        for (Kind k : Kind.values()) {
            held.put(k, new HashMap<>());
            marked.put(k, new HashSet<>());
        }
    }

    private static String key(String tenant, String name) {
        return tenant + '\u0000' + name;
    }

    @Override
    public synchronized CompletableFuture<Boolean> arrived(Kind kind, String tenant, String name) {
        String k = key(tenant, name);
        held.get(kind).merge(k, 1, Integer::sum);
        return marked.get(kind).add(k) ? TRUE : FALSE;
    }

    @Override
    public synchronized CompletableFuture<Boolean> left(Kind kind, String tenant, String name) {
        String k = key(tenant, name);
        Integer now = held.get(kind).computeIfPresent(k, (x, n) -> n <= 1 ? null : n - 1);
        return now == null ? TRUE : FALSE;
    }

    @Override
    public synchronized CompletableFuture<Boolean> goneForGood(Kind kind, String tenant, String name) {
        String k = key(tenant, name);
        if (held.get(kind).containsKey(k)) {
            return FALSE;
        }
        return marked.get(kind).remove(k) ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Boolean> connectionOpened(String tenant, String client, String record) {
        return TRUE;
    }

    @Override
    public CompletableFuture<Void> connectionClosed(String tenant, String client) {
        return DONE;
    }

    @Override
    public CompletableFuture<Renewal> renewAndRecover() {
        return CompletableFuture.completedFuture(Renewal.NOTHING);
    }

    @Override
    public void close() {
    }
}
