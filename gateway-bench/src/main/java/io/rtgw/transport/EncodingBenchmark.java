package io.rtgw.transport;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
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
 * The once-per-publication encodings (WebSocket/long-poll message item, SSE event body). Lives in
 * the transport package because the encoders are package-private there; the cost measured is
 * what every publication pays once, however many subscribers it has.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodingBenchmark {
    @Param({"64", "1024"})
    public int dataBytes;

    private Publication publication;

    @Setup
    public void setUp() {
        String data = "{\"text\":\"" + "x".repeat(Math.max(0, dataBytes - 11)) + "\"}";
        publication = new Publication(ChannelName.of("acme", "room:42"), new StreamPosition("kvkzw23j", 12345),
                "chat", data, System.currentTimeMillis() * 1000);
    }

    @Benchmark
    public byte[] webSocketMessageItem() {
        return MessageItemEncoder.INSTANCE.encode(publication);
    }

    @Benchmark
    public byte[] sseEvent() {
        return SseEventEncoder.INSTANCE.encode(publication);
    }
}
