package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of one group of channels' work, in arrival order, drained on an
 * {@link Executor}: an event loop of the node (the loop the Redis connections run on, so a message
 * read there is handed over without waking another thread) or a thread of the lane's own. A queue of
 * Runnables would allocate a closure and a list node for every message from Redis; this one keeps
 * the message fields in parallel arrays (a ring) that only grow, so a busy channel costs no
 * allocation here, and at most one drain task per lane is ever queued on the executor.
 *
 * <p>Only messages count against the capacity. When a channel's message does not fit, it is not
 * queued: the channel is marked for a resync, a marker goes in behind the messages already
 * queued (so everything that was accepted is still delivered first, in order), and the channel's
 * later messages are refused until the lane reaches the marker. A gap in what the lane delivers
 * is then always followed by {@link Handler#resync}, which re-reads the history from the last
 * delivered position; nothing is silently lost and memory stays bounded. Markers (one per channel
 * at most) and tasks (history replies, bounded by reads in flight) may use room beyond the
 * capacity.
 *
 * <p>A drain task hands over at most {@link #BATCH} entries and then queues itself again behind
 * whatever else the executor has to do, so a busy lane on an event loop cannot starve that loop's
 * sockets.
 */
final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    private static final byte MESSAGE = 1;
    private static final byte RESYNC = 2;
    private static final byte TASK = 3;
    /** A saturated node overflows for many channels at once; one line per lane this often is enough. */
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    /** Entries one drain task hands over before it yields the executor to its other work. */
    static final int BATCH = 256;

    /** Where a lane hands its work; called by one drain task at a time, in the lane's order. */
    interface Handler {
        void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros);

        void resync(String key, ChannelName channel);
    }

    private final String name;
    private final Handler handler;
    private final int capacity;
    private final Executor executor;
    /** The lane's own thread when it was given no executor; shut down with the lane. */
    private final ExecutorService ownThread;
    /** Created once: scheduling a drain must not allocate per message. */
    private final Runnable drainTask = this::drain;
    private final ReentrantLock lock = new ReentrantLock();
    /** Channels whose next message must be a resync; guarded by {@link #lock}. */
    private final Set<ChannelName> resyncing = new HashSet<>();
    // the ring, guarded by lock
    private byte[] kinds;
    private String[] keys;
    private ChannelName[] channels;
    private byte[][] payloads;
    private long[] times;
    private Runnable[] tasks;
    private int head;
    private int size;
    private int messages;
    /** A drain task is queued or running; guarded by lock. */
    private boolean scheduled;
    private boolean closed;
    private long lastWarn;
    private int resyncsSinceWarn;
    /** Queued messages, read by the metrics without taking the lock. */
    private volatile int depth;

    /** A lane on a single daemon thread of its own, named {@code name}. */
    Lane(String name, int capacity, Handler handler) {
        this(name, capacity, handler, null);
    }

    /**
     * @param executor where the lane drains; it must run one task at a time in the order given
     *                 (an event loop does), or the lane's order is lost. Null: a thread of its own.
     */
    Lane(String name, int capacity, Handler handler, Executor executor) {
        this.name = name;
        this.handler = handler;
        this.capacity = capacity;
        this.ownThread = executor == null ? ownThread(name) : null;
        this.executor = executor == null ? ownThread : executor;
        allocate(Math.min(capacity, 256) + 8);
    }

    private static ExecutorService ownThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** @return false when the message was refused (full, or its channel awaits a resync) */
    boolean offer(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
        boolean overflowed;
        boolean wake;
        int resyncs = 0;
        lock.lock();
        try {
            if (closed || resyncing.contains(channel)) {
                return false;
            }
            overflowed = messages >= capacity;
            if (overflowed) {
                resyncing.add(channel);
                put(RESYNC, key, channel, null, 0, null);
                resyncsSinceWarn++;
                long now = System.nanoTime();
                if (now - lastWarn >= WARN_EVERY_NANOS || lastWarn == 0) {
                    lastWarn = now;
                    resyncs = resyncsSinceWarn;
                    resyncsSinceWarn = 0;
                }
            } else {
                put(MESSAGE, key, channel, payload, receivedAtMicros, null);
                depth = ++messages;
            }
            wake = claimDrain();
        } finally {
            lock.unlock();
        }
        if (wake) {
            schedule();
        }
        if (resyncs > 0) {
            log.warn("{}: {} messages from Redis already wait on {}; {} channel(s) resynced from history since the"
                    + " last such warning, this one included", channel, capacity, name, resyncs);
        }
        return !overflowed;
    }

    /** Runs {@code task} after the work queued before it; inline once the lane is closed. */
    void execute(Runnable task) {
        boolean wake = false;
        boolean runHere;
        lock.lock();
        try {
            runHere = closed;
            if (!runHere) {
                put(TASK, null, null, null, 0, task);
                wake = claimDrain();
            }
        } finally {
            lock.unlock();
        }
        if (runHere) {
            // The broker is closing: run here so that no caller's future is left hanging.
            task.run();
        } else if (wake) {
            schedule();
        }
    }

    int depth() {
        return depth;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        if (ownThread != null) {
            ownThread.shutdown();
        }
    }

    /** Under the lock: true when the caller must queue the drain task (none is queued yet). */
    private boolean claimDrain() {
        if (scheduled) {
            return false;
        }
        scheduled = true;
        return true;
    }

    private void schedule() {
        try {
            executor.execute(drainTask);
        } catch (RejectedExecutionException e) {
            abandon();
        }
    }

    /**
     * The executor is gone (the node's loops stopped before the broker closed): nothing will
     * drain this lane again, so it closes, and the tasks it held run here for their callers'
     * futures; messages are dropped, as on any close.
     */
    private void abandon() {
        List<Runnable> orphaned = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            scheduled = false;
            while (size > 0) {
                if (kinds[head] == TASK) {
                    orphaned.add(tasks[head]);
                }
                clear(head);
                head = (head + 1) % kinds.length;
                size--;
            }
            messages = 0;
            depth = 0;
            resyncing.clear();
        } finally {
            lock.unlock();
        }
        log.debug("{}: executor stopped; {} task(s) run in place", name, orphaned.size());
        orphaned.forEach(this::runSafely);
    }

    private void put(byte kind, String key, ChannelName channel, byte[] payload, long time, Runnable task) {
        if (size == kinds.length) {
            grow();
        }
        int i = (head + size) % kinds.length;
        kinds[i] = kind;
        keys[i] = key;
        channels[i] = channel;
        payloads[i] = payload;
        times[i] = time;
        tasks[i] = task;
        size++;
    }

    private void clear(int i) {
        keys[i] = null;
        channels[i] = null;
        payloads[i] = null;
        tasks[i] = null;
    }

    private void drain() {
        for (int n = 0; n < BATCH; n++) {
            byte kind;
            String key;
            ChannelName channel;
            byte[] payload;
            long time;
            Runnable task;
            lock.lock();
            try {
                if (closed || size == 0) {
                    scheduled = false;
                    return;
                }
                int i = head;
                kind = kinds[i];
                key = keys[i];
                channel = channels[i];
                payload = payloads[i];
                time = times[i];
                task = tasks[i];
                clear(i);
                head = (head + 1) % kinds.length;
                size--;
                if (kind == MESSAGE) {
                    depth = --messages;
                } else if (kind == RESYNC) {
                    // from here on the channel's messages are queued again, after the re-read began
                    resyncing.remove(channel);
                }
            } finally {
                lock.unlock();
            }
            if (kind == MESSAGE) {
                deliverSafely(key, channel, payload, time);
            } else if (kind == RESYNC) {
                resyncSafely(key, channel);
            } else {
                runSafely(task);
            }
        }
        boolean more;
        lock.lock();
        try {
            more = size > 0 && !closed;
            scheduled = more;
        } finally {
            lock.unlock();
        }
        if (more) {
            // behind the executor's other work: the loop's sockets get their turn first
            schedule();
        }
    }

    private void deliverSafely(String key, ChannelName channel, byte[] payload, long time) {
        try {
            handler.deliver(key, channel, payload, time);
        } catch (RuntimeException e) {
            log.error("work on {} failed", name, e);
        }
    }

    private void resyncSafely(String key, ChannelName channel) {
        try {
            handler.resync(key, channel);
        } catch (RuntimeException e) {
            log.error("work on {} failed", name, e);
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("work on {} failed", name, e);
        }
    }

    private void grow() {
        int length = kinds.length;
        byte[] k = kinds;
        String[] ks = keys;
        ChannelName[] c = channels;
        byte[][] p = payloads;
        long[] t = times;
        Runnable[] r = tasks;
        allocate(length * 2);
        for (int n = 0; n < size; n++) {
            int from = (head + n) % length;
            kinds[n] = k[from];
            keys[n] = ks[from];
            channels[n] = c[from];
            payloads[n] = p[from];
            times[n] = t[from];
            tasks[n] = r[from];
        }
        head = 0;
    }

    private void allocate(int length) {
        kinds = new byte[length];
        keys = new String[length];
        channels = new ChannelName[length];
        payloads = new byte[length][];
        times = new long[length];
        tasks = new Runnable[length];
    }
}
