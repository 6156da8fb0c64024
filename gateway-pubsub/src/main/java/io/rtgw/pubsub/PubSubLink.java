package io.rtgw.pubsub;

import java.util.concurrent.CompletableFuture;

/**
 * One pub/sub connection (or, on Cluster, one per master), never reconnected in place: when it
 * breaks or goes silent the broker throws it away and opens a new one, so its subscriptions are
 * exactly the ones the broker made on it.
 */
interface PubSubLink extends AutoCloseable {
    /** Completes when Redis confirmed the subscription. */
    CompletableFuture<Void> subscribe(String channel);

    CompletableFuture<Void> unsubscribe(String channel);

    boolean isOpen();

    /** Marks the link as unusable; the broker's next repair replaces it. */
    void markBroken();

    @Override
    void close();

    /** Where a link reports; called on Lettuce's event loop, so it must only hand off. */
    interface Sink {
        void onMessage(String channel, byte[] payload);

        void onLinkLost();

        /**
         * Redis ended a subscription: ours (an unsubscribe we sent) or its own, as Cluster does
         * for sharded channels whose slot moved to another master.
         */
        void onUnsubscribed(String channel);
    }
}
