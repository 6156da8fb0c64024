package io.rtgw.core.broker;

import io.rtgw.core.ChannelName;
import io.rtgw.core.StreamPosition;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Node-level message broker SPI: the node subscribes to a channel once, however many local
 * sessions want it, and hears every publication through one {@link BrokerListener}.
 *
 * <p>Rules every implementation keeps (checked by {@code BrokerContractTest}):
 * <ul>
 *   <li>Publications of one channel reach the listener in offset order, once each, and only for
 *       channels this node subscribed; offsets grow by exactly one per publication within an
 *       epoch.</li>
 *   <li>{@link #subscribe} completes only once live delivery for the channel is active, so a
 *       history read started after it misses nothing published in between.</li>
 *   <li>Every channel has a position before its first message ({@code offset 0} of the current
 *       epoch), and the position outlives the history: a quiet channel whose messages aged out
 *       still reports its last offset — while the broker holds the channel. A broker may drop a
 *       channel that nobody subscribes to and that holds no history and no idempotency key (the
 *       embedded one does after {@link EmbeddedLimits#idleChannel()}); a channel used again after
 *       that starts in an epoch it never had before (unless its earlier life had no message), so an
 *       id of its earlier life is a gap, never a position in the new one (docs/protocol.md §5). A subscribed channel is never dropped.</li>
 *   <li>{@link #history} never silently skips: if anything after {@code since} is gone, or
 *       {@code since} belongs to another epoch, the result says {@code recovered = false}.</li>
 * </ul>
 * All methods are asynchronous and must not block the caller.
 */
public interface Broker extends AutoCloseable {
    /** How long a publish idempotency key is remembered unless configured otherwise; every broker and the configuration use it. */
    Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);

    /**
     * Connects and starts reporting to the listener. Called once, before anything else. The future
     * completes when the broker is first up; an implementation that depends on a server keeps
     * retrying while it is unreachable, so callers must not block their start on it (readiness
     * reports the broker as down meanwhile).
     */
    CompletableFuture<Void> start(BrokerListener listener);

    CompletableFuture<Void> subscribe(ChannelName channel);

    CompletableFuture<Void> unsubscribe(ChannelName channel);

    /**
     * Appends to the channel's history and fans out, atomically per channel. A request whose
     * idempotency key was seen recently for the same channel returns the first id and publishes
     * nothing.
     */
    CompletableFuture<StreamPosition> publish(PublishRequest request);

    /**
     * Fans out a live-only publication (no id, no history) to every node subscribed to the
     * channel: the gateway's own {@code rtgw.join} / {@code rtgw.leave} (docs/protocol.md §9).
     * Nothing is kept; a node not subscribed at that moment never sees it.
     */
    default CompletableFuture<Void> publishLive(ChannelName channel, String event, String data) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("live-only publications"));
    }

    /**
     * The oldest at most {@code limit} publications after {@code since} (null: none, only the
     * head), with the channel's current head.
     */
    CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit);

    /** Whether the broker can currently deliver and accept publications. */
    boolean isUp();

    @Override
    void close();
}
