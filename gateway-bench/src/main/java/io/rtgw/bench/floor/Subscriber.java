package io.rtgw.bench.floor;

import io.netty.channel.Channel;
import io.rtgw.transport.BatchFlushed;

/**
 * One subscriber's socket, flushed with its loop's other writers by the gateway's policy or at
 * the end of each publish request. Writes and flushes enter the pipeline, which is all that
 * {@code Channel.write} and {@code flush} do on a socket; an embedded channel's own methods
 * would also run its loop's queued tasks inside the call, which no real loop does.
 */
final class Subscriber extends BatchFlushed {
    final Channel channel;

    Subscriber(Channel channel) {
        this.channel = channel;
    }

    /** Queues a frame (taking it over); the caller has it flushed by its {@link FlushPolicy}. */
    void write(Object frame) {
        channel.pipeline().write(frame, channel.voidPromise());
    }

    /** {@link FlushPolicy#BATCH}: queues a frame and joins the loop's next flush pass. */
    void writeBatched(Object frame) {
        write(frame);
        flushLater(channel.eventLoop());
    }

    @Override
    protected void flushNow() {
        channel.pipeline().flush();
    }
}
