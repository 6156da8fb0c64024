package io.rtgw.transport;

import io.netty.util.concurrent.EventExecutor;

/**
 * Something written on one event loop whose flushes that loop batches with its other writers',
 * by the gateway's flush policy ({@link FlushBatch}: one pass per loop round, chunks flushed
 * early while the loop keeps up, paced after long passes). Every {@link ChannelConnection} is
 * one; public so that the bench's floor server (issue 17) flushes its subscribers by the same
 * policy instead of a copy of it. A base class rather than a helper object beside each
 * connection: the two fields are all it adds, and an idle connection pays for nothing more.
 */
public abstract class BatchFlushed {
    private boolean flushScheduled;
    /** The {@link FlushBatch} round this was last queued for a flush in. */
    long flushRound = -1;

    /**
     * Joins the loop's next flush pass, once until that pass: call after each write, on
     * {@code loop}, the writer's own event loop. That flush (and any other batched writer's) may
     * run inside this call, see {@link FlushBatch}.
     */
    protected final void flushLater(EventExecutor loop) {
        if (!flushScheduled) {
            flushScheduled = true;
            FlushBatch.add(this, loop);
        }
    }

    /** The pass reached this writer. */
    final void flushFromBatch() {
        flushScheduled = false;
        flushNow();
    }

    /**
     * Flushes what was written since the last flush. Called by the loop's pass (or an early
     * chunk of it), on the loop; may write again (it then joins the same pass) or close.
     */
    protected abstract void flushNow();
}
