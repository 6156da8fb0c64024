package io.rtgw.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.bench.Json;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one worker process saw. Recording is lock-free (event-loop threads write, the control
 * thread reads): an HdrHistogram {@link Recorder} for latency in microseconds, adders for counts.
 */
public final class Stats {
    public static final int MAX_STEPS = 64;
    /** One hour in microseconds: anything slower is clamped, it is a failure either way. */
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder latency = new Recorder(HIGHEST_MICROS, 3);
    final LongAdder delivered = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    /** Messages skipped inside a connection's sequence (a hole, counted by its size). */
    final LongAdder holes = new LongAdder();
    /** Gap notices from the server (it told us it lost messages). */
    final LongAdder gapNotices = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Long-poll connections the server closed between polls and the client opened again. */
    final LongAdder repolls = new LongAdder();
    final AtomicLongArray perStep = new AtomicLongArray(MAX_STEPS);
    final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();

    void message(long sendNanos, int step, long nowNanos) {
        delivered.increment();
        if (step >= 0 && step < MAX_STEPS) {
            perStep.incrementAndGet(step);
        }
        long micros = Math.max(0, (nowNanos - sendNanos) / 1000);
        latency.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    void closed(String reason) {
        unexpectedCloses.increment();
        closeReasons.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** A report for the coordinator; the latency histogram covers the time since the last report. */
    ObjectNode report() {
        Histogram interval = latency.getIntervalHistogram();
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("delivered", delivered.sum());
        n.put("duplicates", duplicates.sum());
        n.put("holes", holes.sum());
        n.put("gapNotices", gapNotices.sum());
        n.put("unexpectedCloses", unexpectedCloses.sum());
        n.put("errors", errors.sum());
        n.put("repolls", repolls.sum());
        var steps = n.putArray("perStep");
        for (int i = 0; i < MAX_STEPS; i++) {
            steps.add(perStep.get(i));
        }
        var reasons = n.putObject("closeReasons");
        closeReasons.forEach((k, v) -> reasons.put(k, v.sum()));
        n.put("histogram", encode(interval));
        return n;
    }

    public static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
    }

    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("bad histogram from a worker", e);
        }
    }
}
