package io.rtgw.server.hooks;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Stops asking an app that keeps failing: after {@link #FAILURES} failures in a row, no request
 * goes out for the open period; then one request is let through, and its answer closes the
 * circuit or opens it again. Every question meanwhile is answered as "no answer" at once, so a
 * dead app costs neither sockets nor the hook timeout per connection.
 */
final class Circuit {
    static final int FAILURES = 5;
    static final long OPEN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final LongSupplier nanoClock;
    private final long openNanos;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long openUntil;
    private volatile boolean open;

    Circuit(LongSupplier nanoClock, long openNanos) {
        this.nanoClock = nanoClock;
        this.openNanos = openNanos;
    }

    /** Whether a request may go out now; while open, only the one probe after the open period. */
    boolean allows() {
        if (!open) {
            return true;
        }
        return nanoClock.getAsLong() - openUntil >= 0 && probing.compareAndSet(false, true);
    }

    void succeeded() {
        failuresInARow.set(0);
        if (open) {
            open = false;
            probing.set(false);
        }
    }

    void failed() {
        if (failuresInARow.incrementAndGet() >= FAILURES || open) {
            openUntil = nanoClock.getAsLong() + openNanos;
            open = true;
            probing.set(false);
        }
    }

    boolean isOpen() {
        return open;
    }
}
