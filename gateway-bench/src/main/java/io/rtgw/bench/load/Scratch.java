package io.rtgw.bench.load;

import io.netty.buffer.ByteBuf;

/** A per-thread byte array to scan frames in without allocating one per message. */
final class Scratch {
    private static final ThreadLocal<byte[][]> BUF = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    private Scratch() {
    }

    /** The readable bytes of {@code buf} copied to the start of the thread's array. */
    static byte[] copy(ByteBuf buf) {
        byte[][] holder = BUF.get();
        int n = buf.readableBytes();
        if (holder[0].length < n) {
            holder[0] = new byte[Math.max(n, holder[0].length * 2)];
        }
        buf.getBytes(buf.readerIndex(), holder[0], 0, n);
        return holder[0];
    }
}
