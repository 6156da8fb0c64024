package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.rtgw.core.ChannelName;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lanes draining on an event loop of the node ({@code RTGW_REDIS_IO=shared}). */
class LaneOnEventLoopTest extends LaneTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    Lane newLane(int capacity, Lane.Handler handler) {
        return new Lane("test-lane", capacity, handler, loop);
    }

    @Override
    DefaultEventLoop singleThread() {
        return loop;
    }

    @Test
    void closingTheLaneLeavesTheLoopRunning() throws Exception {
        Lane lane = newLane(4, handlerThatIgnores());
        lane.close();
        assertThat(loop.submit(() -> "still running").get()).isEqualTo("still running");
    }

    @Test
    void onAStoppedLoopQueuedTasksRunInPlaceSoNoFutureIsLeftHanging() {
        loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
        Lane lane = newLane(4, handlerThatIgnores());
        List<String> ran = new CopyOnWriteArrayList<>();
        lane.execute(() -> ran.add("task"));
        assertThat(ran).containsExactly("task");
        assertThat(lane.offer("k", ChannelName.of("t", "a"), new byte[0], 0)).as("closed").isFalse();
    }

    private static Lane.Handler handlerThatIgnores() {
        return new Lane.Handler() {
            @Override
            public void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
            }

            @Override
            public void resync(String key, ChannelName channel) {
            }
        };
    }
}
