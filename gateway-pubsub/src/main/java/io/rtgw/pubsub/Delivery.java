package io.rtgw.pubsub;

import io.netty.channel.EventLoopGroup;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerListener;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way from a pub/sub message to the node's listener: from the connection's event loop onto the
 * channel's bounded lane (which drains on a fixed event loop of the node, or on a thread of its
 * own, {@link ChannelLanes}), decoded there, checked against what was delivered before (a rollback
 * after a failover starts a new epoch instead), and handed over. Kept apart from the connection
 * supervision: this is the per-message path, and it must not wait on or lock anything the
 * supervisor holds while repairing.
 */
final class Delivery implements Lane.Handler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    /** Both Redis channels of each subscribed channel (the app's and the envelopes'), to the channel. */
    private final Map<String, ChannelName> subscribed;
    private final DeliveryGuard guard = new DeliveryGuard();
    private final ChannelLanes lanes;
    /** Moves a channel to a new epoch, given the epoch it was seen in. */
    private final BiFunction<ChannelName, String, CompletableFuture<StreamPosition>> bumpEpoch;
    private volatile BrokerListener listener;

    /** @param loops where the lanes drain (the node's event loops); null: a thread per lane */
    Delivery(Map<String, ChannelName> subscribed, int laneCount, int laneCapacity, EventLoopGroup loops,
             BiFunction<ChannelName, String, CompletableFuture<StreamPosition>> bumpEpoch) {
        this.subscribed = subscribed;
        this.bumpEpoch = bumpEpoch;
        this.lanes = new ChannelLanes(laneCount, laneCapacity, this, loops);
    }

    void start(BrokerListener listener) {
        this.listener = listener;
    }

    /** On the connection's event loop: only hands off. */
    void onMessage(String key, byte[] payload) {
        ChannelName name = subscribed.get(key);
        if (name != null) {
            lanes.offer(key, name, payload, System.currentTimeMillis() * 1000L);
        }
    }

    Executor executor(ChannelName channel) {
        return lanes.executor(channel);
    }

    DeliveryGuard guard() {
        return guard;
    }

    long queueDepth() {
        return lanes.depth();
    }

    @Override
    public void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
        BrokerListener l = listener;
        if (l == null || !channel.equals(subscribed.get(key))) {
            return;
        }
        // which Redis channel it came on decides what it is, never its bytes (docs/protocol.md §6)
        Publication publication = ChannelKeys.isEnvelopeChannel(key)
                ? Envelope.decodeEnvelope(channel, payload)
                : Envelope.decodeLive(channel, payload, receivedAtMicros);
        if (publication == null) {
            log.debug("{}: dropped a malformed envelope, or a version-1 one published on {}", channel, key);
            return;
        }
        StreamPosition position = publication.position();
        if (position != null && !guard.admit(channel, position)) {
            log.warn("{}: received {} at or below an offset already delivered; starting a new epoch", channel, position);
            bumpEpoch.apply(channel, position.epoch()).exceptionally(e -> null);
            return;
        }
        try {
            l.onPublication(publication);
        } catch (RuntimeException e) {
            log.error("listener failed on {}", publication, e);
        }
    }

    @Override
    public void resync(String key, ChannelName channel) {
        BrokerListener l = listener;
        if (l == null || !channel.equals(subscribed.get(key))) {
            return;
        }
        try {
            l.onChannelResync(channel);
        } catch (RuntimeException e) {
            log.error("listener failed to resync {}", channel, e);
        }
    }

    @Override
    public void close() {
        listener = null;
        lanes.close();
    }
}
