package io.rtgw.core.broker;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;

/**
 * How a broker reports to its node. Called from broker threads; must not block, and above all must
 * never wait on a future of the same broker (its history reads may complete on the very thread
 * that is delivering, which would deadlock).
 */
public interface BrokerListener {
    void onPublication(Publication publication);

    /** The broker lost its connection; publications may be missed until {@link #onBrokerUp}. */
    default void onBrokerDown() {
    }

    /**
     * The broker is (again) delivering. After an outage, live publications may have been missed:
     * the node re-reads history for every channel it holds.
     */
    default void onBrokerUp() {
    }

    /**
     * Live publications of this channel may have been lost (e.g. a bounded queue overflowed): the
     * node re-reads its history from the last position it delivered.
     */
    default void onChannelResync(ChannelName channel) {
    }
}
