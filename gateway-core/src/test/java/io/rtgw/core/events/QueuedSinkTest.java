package io.rtgw.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueuedSinkTest {
    private static AppEvent event(int n) {
        return new AppEvent("acme", EventType.ONLINE, "{\"n\":" + n + "}");
    }

    private static final class Counting implements EventCounters {
        final AtomicInteger dropped = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void dropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void deliveryFailed() {
            failures.incrementAndGet();
        }
    }

    @Test
    void aFailingDestinationIsRetriedUntilItTakesEveryEvent() {
        List<AppEvent> delivered = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Counting counters = new Counting();
        QueuedSink sink = new QueuedSink("test", 100, 10, Duration.ofMillis(1), Duration.ofMillis(20), batch -> {
            if (attempts.incrementAndGet() <= 3) {
                throw new java.io.IOException("app down");
            }
            delivered.addAll(batch);
        }, counters);
        try {
            for (int i = 0; i < 25; i++) {
                sink.emit(event(i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= 25);
            assertThat(delivered.stream().map(AppEvent::json).distinct().count()).isEqualTo(25);
            assertThat(counters.failures.get()).isEqualTo(3);
            assertThat(counters.dropped.get()).isZero();
        } finally {
            sink.close();
        }
    }

    @Test
    void whatDoesNotFitTheQueueIsDroppedAndCountedWithoutBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sending = new CountDownLatch(1);
        Counting counters = new Counting();
        QueuedSink sink = new QueuedSink("test", 5, 1, Duration.ofMillis(1), Duration.ofMillis(1), batch -> {
            sending.countDown();
            release.await();
        }, counters);
        try {
            sink.emit(event(0));
            assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue(); // the sender holds event 0
            for (int i = 1; i <= 8; i++) {
                sink.emit(event(i));
            }
            assertThat(sink.queued()).isEqualTo(5);
            assertThat(counters.dropped.get()).isEqualTo(3);
        } finally {
            release.countDown();
            sink.close();
        }
    }
}
