package io.rtgw.pubsub;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that is logged at most once per interval, with a count of the ones left out: for
 * what outsiders can trigger at any rate (anyone with access to Redis can publish garbage on the
 * control channel), so they cannot flood the log.
 */
final class QuietLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicInteger suppressed = new AtomicInteger();

    QuietLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        int left = suppressed.getAndSet(0);
        log.warn(left == 0 ? format : format + " (and " + left + " more like it since the last such line)", args);
    }
}
