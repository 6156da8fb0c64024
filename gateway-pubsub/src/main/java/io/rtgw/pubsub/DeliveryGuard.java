package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import io.rtgw.core.StreamPosition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the newest position delivered per subscribed channel. After a Redis failover with
 * asynchronous replication the new master may lack the last writes and hand out offsets this
 * node has already delivered for other messages; seeing an offset at or below the remembered one
 * in the same epoch is how that is noticed, and the channel then moves to a new epoch so clients
 * get a gap rather than a second, different message under an id they already hold.
 */
final class DeliveryGuard {
    private final Map<ChannelName, StreamPosition> newest = new ConcurrentHashMap<>();

    /** Called on the channel's lane only. @return true to deliver, false when it is a rollback. */
    boolean admit(ChannelName channel, StreamPosition position) {
        StreamPosition last = newest.get(channel);
        if (last != null && last.sameEpoch(position) && position.offset() <= last.offset()) {
            return false;
        }
        newest.put(channel, position);
        return true;
    }

    /** Whether a head read from Redis is behind what this node already delivered. */
    boolean isRolledBack(ChannelName channel, StreamPosition head) {
        StreamPosition last = newest.get(channel);
        return last != null && last.sameEpoch(head) && head.offset() < last.offset();
    }

    void forget(ChannelName channel) {
        newest.remove(channel);
    }
}
