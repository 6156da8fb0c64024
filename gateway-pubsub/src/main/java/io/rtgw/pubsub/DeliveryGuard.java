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

    /**
     * The newest position delivered so far; take it <em>before</em> sending a read to Redis and
     * compare the head that read returns with {@link #isBehind}. Comparing with what is delivered
     * by the time the reply is processed would be wrong: live publications made after Redis ran
     * the read are delivered meanwhile, and a head that is merely older would look rolled back.
     */
    StreamPosition newest(ChannelName channel) {
        return newest.get(channel);
    }

    /** Whether a head read from Redis is behind a position delivered before the read was sent. */
    static boolean isBehind(StreamPosition head, StreamPosition deliveredBefore) {
        return deliveredBefore != null && deliveredBefore.sameEpoch(head) && head.offset() < deliveredBefore.offset();
    }

    void forget(ChannelName channel) {
        newest.remove(channel);
    }
}
