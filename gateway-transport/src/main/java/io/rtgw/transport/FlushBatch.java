package io.rtgw.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one event loop that have writes waiting for a flush. A fan-out writes to
 * thousands of connections in one task; one flush pass for all of them, instead of a flush task
 * per connection, keeps the loop's task queue out of the per-delivery cost.
 *
 * <p>Long passes are paced: after a pass of more than 5 ms (thousands of sockets, a broadcast or
 * a backlog), the next one starts no sooner than a quarter of that pass after it ended, so
 * flushing takes at most ~80 % of the loop. Below that nothing changes. Above it the loop is
 * saturated, and the publications that arrive during the pause leave together, several per
 * connection in one system call, instead of one pass (and one call per connection) each. Each
 * call costs far more than the bytes it carries, so this is what lets a saturated loop catch
 * up; a message waits at most a quarter pass longer for it.
 */
final class FlushBatch implements Runnable {
    /** Passes shorter than this never delay the next one. */
    static final long PACE_ABOVE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final FastThreadLocal<FlushBatch> OF_THIS_LOOP = new FastThreadLocal<>() {
        @Override
        protected FlushBatch initialValue() {
            return new FlushBatch();
        }
    };

    private final ArrayList<ChannelConnection> pending = new ArrayList<>();
    private boolean scheduled;
    /** Only tests put several loops on one thread (embedded channels); each gets its own run. */
    private EventExecutor scheduledOn;
    private long lastPassEndNanos;
    private long lastPassNanos;

    /** Called on the connection's event loop only. */
    static void add(ChannelConnection connection, EventExecutor loop) {
        FlushBatch batch = OF_THIS_LOOP.get();
        batch.pending.add(connection);
        boolean otherLoop = batch.scheduledOn != loop;
        if (otherLoop) {
            batch.lastPassNanos = 0; // the pace is a loop's; only tests run several loops on one thread
        }
        if (!batch.scheduled || otherLoop) {
            batch.scheduled = true;
            batch.scheduledOn = loop;
            batch.schedule(loop);
        }
    }

    private void schedule(EventExecutor loop) {
        long wait = lastPassNanos < PACE_ABOVE_NANOS ? 0 : lastPassEndNanos + lastPassNanos / 4 - loop.ticker().nanoTime();
        if (wait <= 0) {
            loop.execute(this);
        } else {
            loop.schedule(this, wait, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // The loop's clock: the same as System.nanoTime() in production, movable in tests.
        long start = scheduledOn.ticker().nanoTime();
        // A flush may write again (a close frame); that connection is then added behind us and
        // flushed in this same pass.
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).flushNow();
        }
        pending.clear();
        lastPassEndNanos = scheduledOn.ticker().nanoTime();
        lastPassNanos = lastPassEndNanos - start;
    }
}
