package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moves pub/sub deliveries off Lettuce's event loop (which must never wait on the node's own
 * work) while keeping each channel's order: a channel always runs on the same single-threaded
 * lane.
 */
final class ChannelLanes implements AutoCloseable {
    private final ExecutorService[] lanes;

    ChannelLanes(int count) {
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String name = "rtgw-redis-lane-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The lane of a channel, for work that must run after earlier work of the same channel. */
    java.util.concurrent.Executor of(ChannelName channel) {
        return task -> execute(channel, task);
    }

    void execute(ChannelName channel, Runnable task) {
        try {
            lanes[Math.floorMod(channel.hashCode(), lanes.length)].execute(task);
        } catch (RejectedExecutionException closed) {
            // The broker is closing: run here so that no caller's future is left hanging;
            // deliveries check for close themselves.
            task.run();
        }
    }

    @Override
    public void close() {
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
    }
}
