package io.rtgw.core.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink with a bounded queue ({@code RTGW_EVENTS_QUEUE}) and one sender thread of its own:
 * {@link #emit} only offers to the queue (an event that does not fit is dropped and counted), and
 * the thread hands batches to the {@link Delivery}, which may block — it runs on no event loop.
 * A batch that fails is retried, whole, with exponential backoff and jitter until it goes through
 * (at-least-once: the app de-duplicates by id), while new events wait in the queue.
 */
public final class QueuedSink implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(QueuedSink.class);

    /** Hands one batch over; returns normally only when the destination has it. */
    @FunctionalInterface
    public interface Delivery {
        void deliver(List<AppEvent> batch) throws Exception;
    }

    /** How long the sender lets events gather after the first: events are not latency-critical, wake-ups are costly. */
    static final long LINGER_MILLIS = 5;
    private final ArrayBlockingQueue<AppEvent> queue;
    private final Delivery delivery;
    private final EventCounters counters;
    private final int maxBatch;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Thread sender;
    private volatile boolean closing;
    private volatile long lastErrorLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    public QueuedSink(String name, int capacity, int maxBatch, Duration firstBackoff, Duration maxBackoff,
                      Delivery delivery, EventCounters counters) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and maxBatch must be > 0");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.maxBatch = maxBatch;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.sender = new Thread(this::run, "rtgw-events-" + name);
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void emit(AppEvent event) {
        if (!queue.offer(event)) {
            counters.dropped();
        }
    }

    /** Events waiting (tests, metrics). */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<AppEvent> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                if (batch.isEmpty()) {
                    AppEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    if (!closing && queue.size() < maxBatch - 1) {
                        // let a burst gather: one batch (one pipeline or POST, one wake-up) instead of one per event
                        Thread.sleep(LINGER_MILLIS);
                    }
                    queue.drainTo(batch, maxBatch - 1);
                }
                deliverWithRetries(batch);
                batch.clear();
            } catch (InterruptedException e) {
                return; // closed for good: what is left is lost, as in a crash
            }
        }
    }

    private void deliverWithRetries(List<AppEvent> batch) throws InterruptedException {
        long backoff = firstBackoff.toMillis();
        while (true) {
            try {
                delivery.deliver(batch);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                counters.deliveryFailed();
                long now = System.nanoTime();
                if (now - lastErrorLogNanos > TimeUnit.MINUTES.toNanos(1)) {
                    lastErrorLogNanos = now;
                    log.warn("events: delivery of {} events failed, retrying with backoff ({} queued): {}",
                            batch.size(), queue.size(), e.toString());
                }
                // jitter: 50%..150% of the backoff, so a fleet does not retry in step
                long pause = (long) (backoff * (0.5 + ThreadLocalRandom.current().nextDouble()));
                Thread.sleep(Math.max(1, pause));
                backoff = Math.min(maxBackoff.toMillis(), backoff * 2);
            }
        }
    }

    /** Sends what is queued for up to 5 seconds, then stops the sender. */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
    }
}
