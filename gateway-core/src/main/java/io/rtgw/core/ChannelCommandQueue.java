package io.rtgw.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps a connection's commands about one channel in the order they were sent (docs/protocol.md
 * §4): while a subscribe of the channel waits for its answer, later subscribes and unsubscribes of
 * it wait behind it, so a quick subscribe/unsubscribe/subscribe is answered
 * {@code subscribed, unsubscribed, subscribed} and never "already subscribed" ahead of the first
 * answer. Other channels are not held up. The map is made at first use because most sessions
 * never churn.
 */
final class ChannelCommandQueue {
    /**
     * Commands kept per channel. A subscribe can wait long (the broker is down) and the command
     * rate may be unlimited: past this, commands run at once and are answered out of order rather
     * than grow memory.
     */
    static final int MAX_WAITING_PER_CHANNEL = 64;

    private final Function<String, SessionSubscription> unanswered;
    private Map<String, ArrayDeque<Runnable>> waiting;

    ChannelCommandQueue(Function<String, SessionSubscription> unanswered) {
        this.unanswered = unanswered;
    }

    /** @return true when {@code command} must wait and was queued; false to run it now */
    boolean defer(String channel, Runnable command) {
        ArrayDeque<Runnable> queue = waiting == null ? null : waiting.get(channel);
        if (queue == null) {
            SessionSubscription pending = unanswered.apply(channel);
            if (pending == null) {
                return false;
            }
            queue = new ArrayDeque<>(2);
            if (waiting == null) {
                waiting = new HashMap<>(2);
            }
            waiting.put(channel, queue);
            pending.whenSubscribed(() -> resume(channel));
        }
        if (queue.size() >= MAX_WAITING_PER_CHANNEL) {
            return false;
        }
        queue.add(command);
        return true;
    }

    /** The subscription waited for was answered (or ended): run the queue until another one waits. */
    void resume(String channel) {
        ArrayDeque<Runnable> queue = waiting == null ? null : waiting.remove(channel);
        while (queue != null && !queue.isEmpty()) {
            queue.poll().run();
            SessionSubscription pending = unanswered.apply(channel);
            if (pending != null && !queue.isEmpty()) {
                ArrayDeque<Runnable> rest = queue;
                waiting.put(channel, rest);
                pending.whenSubscribed(() -> resume(channel));
                return;
            }
        }
    }
}
