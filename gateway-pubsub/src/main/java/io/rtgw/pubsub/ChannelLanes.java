package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.concurrent.Executor;

/**
 * Moves pub/sub deliveries off Lettuce's event loop (which must never wait on the node's own
 * work) while keeping each channel's order: a channel always runs on the same single-threaded
 * {@link Lane}. Each lane holds a bounded number of messages, so a node whose listener falls
 * behind Redis resyncs channels from history instead of growing without limit.
 */
final class ChannelLanes implements AutoCloseable {
    private final Lane[] lanes;

    ChannelLanes(int count, int capacity, Lane.Handler handler) {
        if (count < 1 || capacity < 1) {
            throw new IllegalArgumentException("lanes: " + count + ", capacity: " + capacity + " (expected: > 0)");
        }
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane("rtgw-redis-lane-" + i, capacity, handler);
        }
    }

    /** One lane per core: deliveries of different channels run in parallel, as far as the machine can. */
    static int defaultCount() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    static int indexOf(ChannelName channel, int count) {
        return Math.floorMod(channel.hashCode(), count);
    }

    private Lane of(ChannelName channel) {
        return lanes[indexOf(channel, lanes.length)];
    }

    /** @return false when the lane refused it and the channel will be resynced instead */
    boolean offer(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
        return of(channel).offer(key, channel, payload, receivedAtMicros);
    }

    /** The lane of a channel, for work that must run after earlier work of the same channel. */
    Executor executor(ChannelName channel) {
        Lane lane = of(channel);
        return lane::execute;
    }

    /** Messages from Redis waiting on all lanes: the {@code rtgw_broker_queue_depth} gauge. */
    long depth() {
        long total = 0;
        for (Lane lane : lanes) {
            total += lane.depth();
        }
        return total;
    }

    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.close();
        }
    }
}
