package io.rtgw.transport;

import io.rtgw.core.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The SSE/long-poll cursor: encoded again for every message a stream delivers (the per-connection
 * {@code id:} line), decoded once per resume or poll.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CursorBenchmark {
    @Param({"1", "8", "64"})
    public int channels;

    private List<String> names;
    private Cursor cursor;
    private String token;
    private long offset = 1000;

    @Setup
    public void setUp() {
        names = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            names.add("room:" + i);
        }
        cursor = new Cursor(names);
        for (int i = 0; i < channels; i++) {
            cursor.set(i, new StreamPosition("kvkzw23j", 1000 + i));
        }
        token = cursor.text();
    }

    /** One delivery on one channel: the position moves, the token is written again. */
    @Benchmark
    public String encodeAfterMessage() {
        cursor.set(0, new StreamPosition("kvkzw23j", ++offset));
        return cursor.text();
    }

    @Benchmark
    public Cursor decode() {
        return Cursor.decode(token, names);
    }
}
