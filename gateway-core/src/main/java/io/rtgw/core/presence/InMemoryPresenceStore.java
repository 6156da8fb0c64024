package io.rtgw.core.presence;

import io.rtgw.core.ChannelName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The presence store of the embedded broker: one node, so every entry is this node's and lives
 * as long as the process; there is no lease to lose and nothing to renew.
 */
public final class InMemoryPresenceStore implements PresenceStore {
    private final Map<ChannelName, Map<String, PresenceEntry>> channels = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Boolean> add(ChannelName channel, PresenceEntry entry) {
        channels.computeIfAbsent(channel, c -> new ConcurrentHashMap<>()).put(entry.client(), entry);
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<Void> remove(ChannelName channel, String client, boolean lastOfNode) {
        channels.computeIfPresent(channel, (c, entries) -> {
            entries.remove(client);
            return entries.isEmpty() ? null : entries;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Set<ChannelName>> renew(Collection<ChannelName> channels) {
        return CompletableFuture.completedFuture(Set.of());
    }

    @Override
    public CompletableFuture<Void> rewrite(ChannelName channel, Collection<PresenceEntry> entries) {
        entries.forEach(e -> add(channel, e));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<PresenceEntry>> entries(ChannelName channel) {
        Map<String, PresenceEntry> entries = channels.get(channel);
        return CompletableFuture.completedFuture(entries == null ? List.of() : new ArrayList<>(entries.values()));
    }

    @Override
    public void close() {
        channels.clear();
    }
}
