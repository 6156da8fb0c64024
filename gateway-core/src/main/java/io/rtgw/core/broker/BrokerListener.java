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
     * Live publications of this channel may have been lost (e.g. a bounded queue overflowed);
     * re-read its history from the last delivered position. A default no-op because only brokers
     * with bounded delivery queues ever call it, and listeners that keep no positions (tests,
     * tools) have nothing to re-read; the node's listener must implement it, or an overflow
     * becomes a silent hole.
     */
    default void onChannelResync(ChannelName channel) {
    }
}
