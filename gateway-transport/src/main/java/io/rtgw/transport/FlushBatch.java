package io.rtgw.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one event loop that have writes waiting for a flush (every
 * {@link BatchFlushed}: the gateway's connections, and the bench's floor subscribers). A fan-out writes to
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
 *
 * <p>A loop that keeps up flushes a large fan-out as it goes, every {@link #CHUNK} connections,
 * instead of once after the whole task. Otherwise the first subscriber's bytes would wait until
 * the last subscriber's frame is written, so every delivery's latency would include the whole
 * fan-out; and every queued write holds one of Netty's outbound-buffer entries until its flush,
 * so thousands at once outrun the per-thread pool the entries are recycled to. Flushing early
 * costs no extra system call as long as a connection is not written again before the pass: a
 * pass only takes in what was written before it runs, and a task that arrives later runs after
 * it anyway. So what decides is what was already queued ahead of the pass when its round
 * opened (the first write after the last pass): nothing queued and no pacing, and the round
 * flushes early; otherwise the loop is behind (publications waiting, or paused by the pacing),
 * and the round keeps writing until its pass so that several publications per connection leave
 * in one call. A backlog inside one task (a Redis lane's batch of messages) does not show in the
 * queue; it shows as a connection written again after its early flush in the same round, and
 * that ends early flushing for the rest of the round. The loop's queue length is read once per round, without a lock (the sizes of its
 * two lock-free task queues). Time spent flushing early counts toward the round's pass for the
 * pacing.
 *
 * <p>A flush may close its connection (a slow consumer, or a socket write that failed) inside the
 * caller's write, in the middle of a fan-out. What Netty does then at once is close the socket,
 * notify close-future listeners and fail the queued writes (which fires {@code exceptionCaught});
 * {@code channelInactive}, where a session leaves its subscriptions, always comes later as a task
 * of its own. So an early flush never changes the subscribers of the fan-out that is writing.
 */
final class FlushBatch implements Runnable {
    /** Passes shorter than this never delay the next one. */
    static final long PACE_ABOVE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * Written connections that a round which may flush early flushes at once. Small enough that
     * the first subscribers' bytes leave after about 1 % of a 10,000-connection fan-out and the
     * entries in flight stay far below the recycler's per-thread pool (4,096 by default); large
     * enough that the bookkeeping (two clock reads per chunk) is spread thin and a task that
     * writes to fewer connections, however many messages each, still flushes once.
     */
    static final int CHUNK = 128;

    private static final FastThreadLocal<FlushBatch> OF_THIS_LOOP = new FastThreadLocal<>() {
        @Override
        protected FlushBatch initialValue() {
            return new FlushBatch();
        }
    };

    private final ArrayList<BatchFlushed> pending = new ArrayList<>();
    private boolean scheduled;
    /** Only tests put several loops on one thread (embedded channels); each gets its own run. */
    private EventExecutor scheduledOn;
    private long lastPassEndNanos;
    private long lastPassNanos;
    /** This round opened with nothing queued ahead of its pass, and unpaced: it flushes chunks as they fill. */
    private boolean early;
    /** Spent flushing chunks early in this round; part of its pass for the pacing. */
    private long earlyNanos;
    /** A flush is running: what is written now joins it instead of starting another. */
    private boolean flushing;
    /** Counts rounds (a round: from the first write after a pass to the next pass). */
    private long round;

    /** Called on the connection's event loop only. */
    static void add(BatchFlushed connection, EventExecutor loop) {
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
        } else if (connection.flushRound == batch.round) {
            // Flushed early and written again before the pass: this task works off a backlog (a
            // Redis lane's batch, a catch-up), which the loop's queue does not show. Measured: a
            // node on Redis at 1000 msg/s, flushing every chunk of such a batch, sent one call per
            // message instead of one per connection and fell to a quarter of its throughput.
            batch.early = false;
        } else if (batch.early && !batch.flushing && batch.pending.size() >= CHUNK) {
            batch.flushEarly();
        }
        connection.flushRound = batch.round;
    }

    private void schedule(EventExecutor loop) {
        round++;
        earlyNanos = 0;
        long wait = lastPassNanos < PACE_ABOVE_NANOS ? 0 : lastPassEndNanos + lastPassNanos / 4 - loop.ticker().nanoTime();
        if (wait <= 0) {
            early = nothingQueued(loop); // asked before our own pass joins the queue
            loop.execute(this);
        } else {
            early = false;
            loop.schedule(this, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Loops that cannot tell (embedded ones, in tests) count as keeping up. */
    private static boolean nothingQueued(EventExecutor loop) {
        return !(loop instanceof SingleThreadEventExecutor single) || single.pendingTasks() == 0;
    }

    private void flushEarly() {
        // The loop's clock: the same as System.nanoTime() in production, movable in tests.
        long start = scheduledOn.ticker().nanoTime();
        flushPending();
        earlyNanos += scheduledOn.ticker().nanoTime() - start;
    }

    @Override
    public void run() {
        scheduled = false;
        long start = scheduledOn.ticker().nanoTime();
        flushPending();
        lastPassEndNanos = scheduledOn.ticker().nanoTime();
        lastPassNanos = earlyNanos + lastPassEndNanos - start;
        earlyNanos = 0;
    }

    private void flushPending() {
        flushing = true;
        try {
            // A flush may write again (a close frame); that connection is then added behind us and
            // flushed in this same pass.
            for (int i = 0; i < pending.size(); i++) {
                pending.get(i).flushFromBatch();
            }
            pending.clear();
        } finally {
            flushing = false;
        }
    }
}
