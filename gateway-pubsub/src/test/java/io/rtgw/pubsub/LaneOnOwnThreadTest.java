package io.rtgw.pubsub;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;

/** Lanes on threads of their own: {@code RTGW_REDIS_IO=own}, and brokers given no event loops. */
class LaneOnOwnThreadTest extends LaneTest {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    @Override
    Lane newLane(int capacity, Lane.Handler handler) {
        return new Lane("test-lane", capacity, handler);
    }

    @Override
    ExecutorService singleThread() {
        return thread;
    }
}
