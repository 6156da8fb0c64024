package io.rtgw.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.rtgw.bench.Payload;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One simulated subscriber of one channel. All of its state is touched on its own event loop
 * only. It remembers where it is (the last sequence number seen, and the id the server would
 * resume it from), which is what the storm scenario needs to drop and come back.
 */
abstract class Client {
    final int index;
    final int channel;
    final Spec spec;
    final Stats stats;
    final Net net;
    final EventLoop loop;
    final Lifecycle lifecycle;
    /** Sequence number of the last message of our channel; payload sequences start at 1. */
    long lastSeq;
    /** Where to resume: a WebSocket message id, an SSE cursor, a poll cursor; null = live. */
    String resumeId;
    Channel ch;
    boolean dropping;
    private boolean readySignalled;
    private long catchUpTarget = Long.MAX_VALUE;
    private final long[] fields = new long[4];

    /** How a client reports its lifecycle to the worker. */
    interface Lifecycle {
        void ready(Client c);

        void failed(Client c, String why);

        void caughtUp(Client c);
    }

    Client(int index, int channel, Spec spec, Stats stats, Net net, Lifecycle lifecycle) {
        this.index = index;
        this.channel = channel;
        this.spec = spec;
        this.stats = stats;
        this.net = net;
        this.loop = net.group.next();
        this.lifecycle = lifecycle;
    }

    abstract String transport();

    /** Opens the connection (on the client's loop), resuming from {@link #resumeId} when set. */
    abstract void open();

    final void connect() {
        loop.execute(() -> {
            readySignalled = false;
            dropping = false;
            try {
                open();
            } catch (RuntimeException e) {
                failed(e.toString()); // counted, never a silent stall of the connect phase
            }
        });
    }

    final void drop() {
        loop.execute(() -> {
            dropping = true;
            if (ch != null) {
                ch.close();
            }
        });
    }

    /** From now on, signal once when {@link #lastSeq} reaches {@code target}. */
    final void armCatchUp(long target) {
        loop.execute(() -> {
            catchUpTarget = target;
            checkCaughtUp();
        });
    }

    final InetSocketAddress remote(URI uri) {
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    final void ready() {
        if (!readySignalled) {
            readySignalled = true;
            lifecycle.ready(this);
        }
    }

    final void failed(String why) {
        if (!readySignalled) {
            readySignalled = true;
            lifecycle.failed(this, why);
        }
    }

    /** The connection ended; counted unless we closed it ourselves. */
    final void inactive(String reason) {
        if (!dropping) {
            if (!readySignalled) {
                failed(reason);
            } else {
                stats.closed(reason);
            }
        }
    }

    /** A benchmark payload at {@code bytes[from, to)}; returns false when it held none. */
    final boolean payload(byte[] bytes, int from, int to) {
        if (!Payload.scan(bytes, from, to, fields)) {
            return false;
        }
        if (fields[Payload.CHANNEL] != channel) {
            return true; // not ours (a server that multiplexes): not counted
        }
        long seq = fields[Payload.SEQ];
        if (seq <= lastSeq) {
            stats.duplicates.increment();
            return true;
        }
        if (seq > lastSeq + 1) {
            stats.holes.add(seq - lastSeq - 1);
        }
        lastSeq = seq;
        stats.message(fields[Payload.TIME], (int) fields[Payload.STEP], System.nanoTime());
        checkCaughtUp();
        return true;
    }

    private void checkCaughtUp() {
        if (lastSeq >= catchUpTarget) {
            catchUpTarget = Long.MAX_VALUE;
            lifecycle.caughtUp(this);
        }
    }
}
