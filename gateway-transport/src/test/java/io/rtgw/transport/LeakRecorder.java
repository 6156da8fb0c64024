package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every buffer leak Netty's detector reports. A leak is only reported once the garbage
 * collector has found the lost buffer and a later allocation polls for it, so {@link #assertNone()}
 * collects and allocates a few times before it looks.
 */
final class LeakRecorder implements AutoCloseable {
    private final List<String> leaks = new CopyOnWriteArrayList<>();

    /** Paranoid: every buffer is tracked, so a leak on any path is seen, not one in 128. */
    LeakRecorder() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ByteBufUtil.setLeakListener((type, records) -> leaks.add(type + " " + records));
    }

    void assertNone() {
        for (int round = 0; round < 3 && leaks.isEmpty(); round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        assertThat(leaks).as("LEAK reports").isEmpty();
    }

    @Override
    public void close() {
        ByteBufUtil.setLeakListener(null);
    }
}
