package io.rtgw.core;

import java.util.concurrent.Executor;

/**
 * What a {@link ChannelFeed} needs of a subscriber: the thread that owns it, and the two
 * deliveries. Both methods are called on {@link #executor()} only, in the feed's order.
 */
public interface SessionHandle {
    Executor executor();

    /**
     * A publication of the channel. A positioned one follows the previous positioned one without
     * a hole, unless a {@link #gap} came in between; the very first may follow anything.
     */
    void deliver(Publication publication);

    /**
     * What came before {@code resumeAfter} could not be recovered (the channel's history was
     * reset or aged out); the next positioned publication follows {@code resumeAfter}.
     */
    void gap(StreamPosition resumeAfter);
}
