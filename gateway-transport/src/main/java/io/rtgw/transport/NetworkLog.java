package io.rtgw.transport;

import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * How the network path logs a failed connection. Anyone can make connections fail, so a log
 * line per failure is a flood an unauthenticated client controls (issue 13: 1,000 connections
 * closed inside a request body wrote 20,000 lines of stack traces).
 *
 * <ul>
 *   <li>A client's abort (reset, hang-up, a request or body cut short) is its own business:
 *       DEBUG, one line, no stack trace.</li>
 *   <li>Anything else is worth a WARN with its stack trace, but at most {@value #BURST} per
 *       minute across the node; the rest are counted and said in one summary line when the next
 *       minute's first WARN is written, and in {@link #suppressed()}.</li>
 * </ul>
 */
public final class NetworkLog {
    /** WARN lines written per window before the rest are only counted. */
    public static final int BURST = 10;
    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final NetworkLog SHARED = new NetworkLog(System::nanoTime);

    private final LongSupplier clock;
    private long windowStart;
    private int writtenInWindow;
    private long suppressedInWindow;
    private long suppressedTotal;

    NetworkLog(LongSupplier clock) {
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** Logs that a connection failed with {@code cause}, by the rules above. */
    public static void failed(Logger log, String what, Throwable cause) {
        SHARED.log(log, what, cause);
    }

    /** WARN lines of the network path left out since the start, for metrics and tests. */
    public static long suppressed() {
        return SHARED.suppressedTotal();
    }

    void log(Logger log, String what, Throwable cause) {
        if (isClientAbort(cause)) {
            if (log.isDebugEnabled()) {
                log.debug("{}: the client went away ({})", what, cause.toString());
            }
            return;
        }
        long summary = admit();
        if (summary < 0) {
            return;
        }
        if (summary > 0) {
            log.warn("{} more network failures were not logged in the last minute (at most {} a minute)", summary, BURST);
        }
        log.warn("{}", what, cause);
    }

    /** -1 when the line is suppressed, else how many were suppressed in the window that ended. */
    private synchronized long admit() {
        long now = clock.getAsLong();
        long ended = 0;
        if (now - windowStart >= WINDOW_NANOS) {
            ended = suppressedInWindow;
            windowStart = now;
            writtenInWindow = 0;
            suppressedInWindow = 0;
        }
        if (writtenInWindow >= BURST) {
            suppressedInWindow++;
            suppressedTotal++;
            return -1;
        }
        writtenInWindow++;
        return ended;
    }

    synchronized long suppressedTotal() {
        return suppressedTotal;
    }

    /**
     * Whether the failure is the peer ending the connection: socket errors (reset, broken pipe,
     * closed channel) and the codec's "closed before the message was complete", also when
     * wrapped by a decoder.
     */
    static boolean isClientAbort(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof PrematureChannelClosureException) {
                return true;
            }
        }
        return false;
    }
}
