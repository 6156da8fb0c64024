package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lane on its own: order, capacity, resync markers, tasks and batches, with a handler that can
 * be held; once per executor a lane drains on ({@link LaneOnOwnThreadTest}, {@link LaneOnEventLoopTest}).
 */
abstract class LaneTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ChannelName A = ChannelName.of("t", "a");
    private static final ChannelName B = ChannelName.of("t", "b");

    private final CountDownLatch release = new CountDownLatch(1);
    /** What the lane handed over, as "a:3", "resync:a", "task:1". */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private Lane lane;

    /** A lane of the variant under test. */
    abstract Lane newLane(int capacity, Lane.Handler handler);

    /** A single-threaded executor of the variant's kind, for the lane of the batch test. */
    abstract Executor singleThread();

    private final Lane.Handler handler = new Lane.Handler() {
        @Override
        public void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
            seen.add(channel.name() + ":" + new String(payload));
            hold();
        }

        @Override
        public void resync(String key, ChannelName channel) {
            seen.add("resync:" + channel.name());
        }
    };

    private void hold() {
        try {
            release.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void close() {
        release.countDown();
        if (lane != null) {
            lane.close();
        }
    }

    private boolean offer(ChannelName channel, int n) {
        return lane.offer("k", channel, Integer.toString(n).getBytes(), 0);
    }

    /** Blocks the lane in the delivery of a:0. */
    private void stuck() {
        assertThat(offer(A, 0)).isTrue();
        await().atMost(WAIT).until(() -> seen.size() == 1);
    }

    @Test
    void overflowRefusesTheChannelUntilItsResyncRunsAfterWhatWasAccepted() {
        lane = newLane(3, handler);
        stuck();
        assertThat(offer(A, 1)).isTrue();
        assertThat(offer(B, 1)).isTrue();
        assertThat(offer(A, 2)).isTrue();
        assertThat(lane.depth()).isEqualTo(3);
        assertThat(offer(A, 3)).as("full").isFalse();
        assertThat(offer(B, 2)).as("full, and B now awaits a resync too").isFalse();
        lane.execute(() -> seen.add("task:1")); // tasks never count against the capacity
        assertThat(lane.depth()).isEqualTo(3);

        release.countDown();
        await().atMost(WAIT).until(() -> seen.size() == 7);
        assertThat(seen).containsExactly("a:0", "a:1", "b:1", "a:2", "resync:a", "resync:b", "task:1");
        assertThat(lane.depth()).isZero();

        assertThat(offer(A, 4)).as("accepted again after its resync").isTrue();
        await().atMost(WAIT).until(() -> seen.contains("a:4"));
    }

    @Test
    void aChannelThatOverflowsAgainBeforeItsResyncGetsOneResync() {
        lane = newLane(1, handler);
        stuck();
        assertThat(offer(A, 1)).isTrue();
        assertThat(offer(A, 2)).isFalse(); // overflow: resync marker queued
        assertThat(offer(A, 3)).isFalse(); // refused, no second marker
        assertThat(offer(B, 1)).isFalse(); // still full
        release.countDown();
        await().atMost(WAIT).until(() -> seen.contains("resync:b"));
        assertThat(seen).containsExactly("a:0", "a:1", "resync:a", "resync:b");
    }

    @Test
    void theRingGrowsWithoutLosingOrder() {
        lane = newLane(2_000, handler);
        stuck();
        for (int i = 1; i <= 2_000; i++) {
            assertThat(offer(i % 2 == 0 ? A : B, i)).isTrue();
            if (i % 100 == 0) {
                int n = i;
                lane.execute(() -> seen.add("task:" + n));
            }
        }
        assertThat(offer(A, 2_001)).isFalse();
        assertThat(lane.depth()).isEqualTo(2_000);
        release.countDown();
        await().atMost(WAIT).until(() -> seen.contains("resync:a"));
        List<String> expected = new java.util.ArrayList<>(List.of("a:0"));
        for (int i = 1; i <= 2_000; i++) {
            expected.add((i % 2 == 0 ? "a:" : "b:") + i);
            if (i % 100 == 0) {
                expected.add("task:" + i);
            }
        }
        expected.add("resync:a");
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void afterCloseTasksRunInPlaceSoNoFutureIsLeftHanging() {
        lane = newLane(4, handler);
        if (lane != null) {
            lane.close();
        }
        List<String> ran = new CopyOnWriteArrayList<>();
        lane.execute(() -> ran.add("task"));
        assertThat(ran).containsExactly("task");
        assertThat(offer(A, 1)).isFalse();
    }

    @Test
    void aLongQueueYieldsItsExecutorAfterEachBatch() {
        Executor executor = singleThread();
        lane = new Lane("test-lane", 10_000, handler, executor);
        stuck();
        int queued = 2 * Lane.BATCH;
        for (int i = 1; i <= queued; i++) {
            assertThat(offer(A, i)).isTrue();
        }
        executor.execute(() -> seen.add("other"));
        release.countDown();
        await().atMost(WAIT).until(() -> seen.size() == queued + 2);
        // the first drain task handed over a:0 to a:255, then queued itself behind the other task
        assertThat(seen.indexOf("other")).isEqualTo(Lane.BATCH);
        assertThat(seen.stream().filter(e -> !e.equals("other")))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, queued).mapToObj(i -> "a:" + i).toList());
    }
}
