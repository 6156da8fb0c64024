package io.rtgw.core;

import java.util.concurrent.Executor;

/**
 * What the {@link Hub} needs of a subscriber: the thread that owns it, and the two deliveries.
 * Both methods are called on {@link #executor()} only.
 */
public interface SessionHandle {
    Executor executor();

    /** A live publication of a channel this session registered for. */
    void deliver(Publication publication);

    /** The broker came back after an outage: re-read the channel's history from the last position. */
    void resync(ChannelName channel);
}
