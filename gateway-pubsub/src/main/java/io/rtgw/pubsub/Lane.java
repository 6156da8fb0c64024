package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread and its bounded queue of work, in arrival order. A queue of Runnables would allocate
 * a closure and a list node for every message from Redis; this one keeps the message fields in
 * parallel arrays (a ring) that only grow, so a busy channel costs no allocation here.
 *
 * <p>Only messages count against the capacity. When a channel's message does not fit, it is not
 * queued: the channel is marked for a resync, a marker goes in behind the messages already
 * queued (so everything that was accepted is still delivered first, in order), and the channel's
 * later messages are refused until the lane reaches the marker. A gap in what the lane delivers
 * is then always followed by {@link Handler#resync}, which re-reads the history from the last
 * delivered position; nothing is silently lost and memory stays bounded. Markers (one per channel
 * at most) and tasks (history replies, bounded by reads in flight) may use room beyond the
 * capacity.
 */
final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    private static final byte MESSAGE = 1;
    private static final byte RESYNC = 2;
    private static final byte TASK = 3;
    /** A saturated node overflows for many channels at once; one line per lane this often is enough. */
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    /** Where a lane hands its work; called on the lane's thread only. */
    interface Handler {
        void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros);

        void resync(String key, ChannelName channel);
    }

    private final Handler handler;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    /** Channels whose next message must be a resync; guarded by {@link #lock}. */
    private final Set<ChannelName> resyncing = new HashSet<>();
    private final Thread thread;
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
    private boolean closed;
    private long lastWarn;
    private int resyncsSinceWarn;
    /** Queued messages, read by the metrics without taking the lock. */
    private volatile int depth;

    Lane(String name, int capacity, Handler handler) {
        this.handler = handler;
        this.capacity = capacity;
        allocate(Math.min(capacity, 256) + 8);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return false when the message was refused (full, or its channel awaits a resync) */
    boolean offer(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
        boolean overflowed;
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
        } finally {
            lock.unlock();
        }
        if (resyncs > 0) {
            log.warn("{}: {} messages from Redis already wait on {}; {} channel(s) resynced from history since the"
                    + " last such warning, this one included", channel, capacity, thread.getName(), resyncs);
        }
        return !overflowed;
    }

    /** Runs {@code task} after the work queued before it; inline once the lane is closed. */
    void execute(Runnable task) {
        lock.lock();
        try {
            if (!closed) {
                put(TASK, null, null, null, 0, task);
                return;
            }
        } finally {
            lock.unlock();
        }
        // The broker is closing: run here so that no caller's future is left hanging.
        task.run();
    }

    int depth() {
        return depth;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
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
        nonEmpty.signal();
    }

    private void run() {
        while (true) {
            byte kind;
            String key;
            ChannelName channel;
            byte[] payload;
            long time;
            Runnable task;
            lock.lock();
            try {
                while (size == 0 && !closed) {
                    nonEmpty.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                int i = head;
                kind = kinds[i];
                key = keys[i];
                channel = channels[i];
                payload = payloads[i];
                time = times[i];
                task = tasks[i];
                keys[i] = null;
                channels[i] = null;
                payloads[i] = null;
                tasks[i] = null;
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
            try {
                if (kind == MESSAGE) {
                    handler.deliver(key, channel, payload, time);
                } else if (kind == RESYNC) {
                    handler.resync(key, channel);
                } else {
                    task.run();
                }
            } catch (RuntimeException e) {
                log.error("work on {} failed", thread.getName(), e);
            }
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
