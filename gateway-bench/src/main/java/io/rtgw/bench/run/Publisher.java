package io.rtgw.bench.run;

import io.rtgw.bench.Payload;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes at a paced rate, round-robin over the channels, each message carrying its send time
 * and its channel's next sequence number. Keeps per channel what the server acknowledged (the
 * head a resuming client must reach) and per step and channel how many were acknowledged (what
 * the subscribers must have received). Order within a channel is kept by the subclasses.
 */
abstract class Publisher implements AutoCloseable {
    /** Past this many unacknowledged messages the publisher stops offering more: it is the limit. */
    static final int MAX_IN_FLIGHT = 20_000;
    private static final long TICK_NANOS = 5_000_000;

    final int channels;
    final String padding;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final long[] seq;
    final AtomicLongArray acked;
    private final AtomicLongArray ackedPerStep;
    final LongAdder failures = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    private long skipped;
    private volatile boolean stopped;

    record Msg(int channel, long seq, int step, String json) {
    }

    Publisher(int channels, String padding) {
        this.channels = channels;
        this.padding = padding;
        this.seq = new long[channels];
        this.acked = new AtomicLongArray(channels);
        this.ackedPerStep = new AtomicLongArray(io.rtgw.bench.load.Stats.MAX_STEPS * channels);
    }

    /** Sends the messages (in order per channel) and calls {@link #acknowledged} for each accepted one. */
    abstract void send(List<Msg> batch);

    final void acknowledged(Msg m) {
        acked.accumulateAndGet(m.channel(), m.seq(), Math::max);
        ackedPerStep.incrementAndGet(m.step() * channels + m.channel());
    }

    /**
     * Publishes at {@code rate} messages/s for {@code seconds} (blocking).
     *
     * @return messages actually offered (less than asked when the publisher could not keep up)
     */
    final long run(double rate, int step, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long issued = 0;
        long skippedBefore = skipped;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end || stopped) {
                break;
            }
            long due = (long) (rate * (now - start) / 1e9) - issued - (skipped - skippedBefore);
            List<Msg> batch = new ArrayList<>((int) Math.max(0, Math.min(due, 10_000)));
            for (long i = 0; i < due; i++) {
                if (inFlight.get() + batch.size() >= MAX_IN_FLIGHT) {
                    skipped += due - i;
                    break;
                }
                int c = next;
                next = (next + 1) % channels;
                long s = ++seq[c];
                batch.add(new Msg(c, s, step, Payload.json(System.nanoTime(), c, s, step, padding)));
            }
            if (!batch.isEmpty()) {
                issued += batch.size();
                inFlight.addAndGet(batch.size());
                send(batch);
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
        return issued;
    }

    /** Ends a {@link #run} in progress (from another thread). */
    final void stop() {
        stopped = true;
    }

    /** Waits until everything sent was answered (bounded). */
    final void awaitIdle(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** The highest acknowledged sequence number per channel. */
    final long[] heads() {
        long[] out = new long[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = acked.get(c);
        }
        return out;
    }

    final long ackedInStep(int step, int channel) {
        return ackedPerStep.get(step * channels + channel);
    }

    @Override
    public void close() {
        awaitIdle(Duration.ofSeconds(10));
    }
}
