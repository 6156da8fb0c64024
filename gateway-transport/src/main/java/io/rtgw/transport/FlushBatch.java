package io.rtgw.transport;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * The connections of one event loop that have writes waiting for this turn's flush. A fan-out
 * writes to thousands of connections in one task; one flush task for all of them, instead of one
 * per connection, keeps the loop's task queue out of the per-delivery cost.
 */
final class FlushBatch implements Runnable {
    private static final FastThreadLocal<FlushBatch> OF_THIS_LOOP = new FastThreadLocal<>() {
        @Override
        protected FlushBatch initialValue() {
            return new FlushBatch();
        }
    };

    private final ArrayList<ChannelConnection> pending = new ArrayList<>();
    private boolean scheduled;
    /** Only tests put several loops on one thread (embedded channels); each gets its own run. */
    private Executor scheduledOn;

    /** Called on the connection's event loop only. */
    static void add(ChannelConnection connection, Executor loop) {
        FlushBatch batch = OF_THIS_LOOP.get();
        batch.pending.add(connection);
        if (!batch.scheduled || batch.scheduledOn != loop) {
            batch.scheduled = true;
            batch.scheduledOn = loop;
            loop.execute(batch);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // A flush may write again (a close frame); that connection is then added behind us and
        // flushed in this same pass.
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).flushNow();
        }
        pending.clear();
    }
}
