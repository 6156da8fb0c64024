package io.rtgw.core.presence;

import io.rtgw.core.ChannelName;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where presence sets live (docs/protocol.md §9): one implementation per broker kind. A store is
 * made for one node; every entry it writes is that node's, held as a lease the node renews.
 *
 * <p>Rules every implementation keeps:
 * <ul>
 *   <li>Writes of one node reach the store in the order they were called (the tracker relies on
 *       it: a leave called after a join is never overtaken by it).</li>
 *   <li>{@link #add} and {@link #remove} cost O(1) work whatever the size of the channel;
 *       {@link #renew} is one batch for all channels; {@link #entries} reads one key.</li>
 *   <li>Entries of a node whose leases were not renewed for the lease window are no longer
 *       returned by {@link #entries} (a store of one node never expires its own entries).</li>
 * </ul>
 * All methods are asynchronous and must not block the caller.
 */
public interface PresenceStore extends AutoCloseable {
    /**
     * Adds an entry of this node and extends the node's lease on the channel.
     *
     * @return whether the node's lease on the channel was missing: if the node had other entries
     *         there, they were lost (a Redis restart) and must be written again
     */
    CompletableFuture<Boolean> add(ChannelName channel, PresenceEntry entry);

    /** Removes an entry of this node; {@code lastOfNode} also drops the node's lease on the channel. */
    CompletableFuture<Void> remove(ChannelName channel, String client, boolean lastOfNode);

    /**
     * The renewal batch: extends this node's lease on every channel given.
     *
     * @return the channels whose lease was missing (their entries must be written again)
     */
    CompletableFuture<Set<ChannelName>> renew(Collection<ChannelName> channels);

    /** Writes every entry this node has in the channel again, with its lease (after a loss). */
    CompletableFuture<Void> rewrite(ChannelName channel, Collection<PresenceEntry> entries);

    /** The channel's presence set across live nodes, in no particular order. */
    CompletableFuture<List<PresenceEntry>> entries(ChannelName channel);

    @Override
    void close();
}
