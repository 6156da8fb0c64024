package io.rtgw.pubsub;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * Refuses a blocking wait for Redis on an event loop. With {@code RTGW_REDIS_IO=shared} a pub/sub
 * reply (a SUBSCRIBE's) is read by the node's loops, so a loop that waited for one could only end
 * in its timeout while every session on it stood still; on Lettuce's own loops it is the same
 * deadlock, and on any loop a wait for a command's reply stalls every connection of that loop.
 * Failing fast names the caller instead.
 */
public final class LoopGuard {
    private LoopGuard() {
    }

    /** @throws IllegalStateException on a thread of any Netty event loop */
    public static void refuseOnEventLoop(String what) {
        if (onEventLoop()) {
            throw new IllegalStateException(what + " waits for Redis and must not run on event loop "
                    + Thread.currentThread().getName() + ", which may be the one that reads the reply");
        }
    }

    /** For close paths: whether a bounded wait for Redis is allowed here, or should be skipped. */
    static boolean mayWait() {
        return !onEventLoop();
    }

    static boolean onEventLoop() {
        return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
    }
}
