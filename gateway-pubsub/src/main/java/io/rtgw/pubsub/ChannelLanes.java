package io.rtgw.pubsub;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.rtgw.core.ChannelName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Queues pub/sub deliveries per channel, bounded, in order: a channel always goes to the same
 * {@link Lane}, and a lane always drains on the same executor. Given the node's event loops (the
 * ones Lettuce's connections also run on, {@link RedisResources#sharedLoops}), lane i drains on
 * loop i (mod the loop count), so channel, lane and loop stay fixed and a message read on its
 * lane's loop is handed over without waking any thread; otherwise each lane has a thread of its
 * own ({@code rtgw-redis-lane-N}). Each lane holds a bounded number of messages, so a node whose
 * listener falls behind Redis resyncs channels from history instead of growing without limit.
 */
final class ChannelLanes implements AutoCloseable {
    private final Lane[] lanes;

    /** @param loops where the lanes drain; null: a thread per lane */
    ChannelLanes(int count, int capacity, Lane.Handler handler, EventLoopGroup loops) {
        if (count < 1 || capacity < 1) {
            throw new IllegalArgumentException("lanes: " + count + ", capacity: " + capacity + " (expected: > 0)");
        }
        List<EventExecutor> executors = new ArrayList<>();
        if (loops != null) {
            loops.forEach(executors::add);
        }
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            Executor executor = executors.isEmpty() ? null : executors.get(i % executors.size());
            lanes[i] = new Lane("rtgw-redis-lane-" + i, capacity, handler, executor);
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
