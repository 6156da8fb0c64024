package io.rtgw.core.presence;

import io.rtgw.core.JsonStrings;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.broker.Broker;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What sessions see of presence (docs/protocol.md §9): per namespace, whether a channel's
 * subscribers are tracked ({@code presence}) and whether they are announced to the channel
 * ({@code join_leave}: live-only {@code rtgw.join} / {@code rtgw.leave} messages published through
 * the broker, so every node's subscribers get them).
 */
public final class Presence implements PresenceSink {
    public static final String JOIN_EVENT = "rtgw.join";
    public static final String LEAVE_EVENT = "rtgw.leave";

    /** Nothing tracked, nothing announced. */
    public static final Presence OFF = new Presence(ns -> false, ns -> false, null, null, GatewayObserver.NOOP);

    private final Predicate<String> tracked;
    private final Predicate<String> announced;
    private final PresenceTracker tracker;
    private final Broker broker;
    private final GatewayObserver observer;

    /**
     * @param tracked   by namespace: {@code presence: true}
     * @param announced by namespace: {@code join_leave: true}
     * @param tracker   null only when no namespace is tracked
     * @param broker    null only when no namespace is announced
     */
    public Presence(Predicate<String> tracked, Predicate<String> announced, PresenceTracker tracker, Broker broker,
                    GatewayObserver observer) {
        this.tracked = Objects.requireNonNull(tracked, "tracked");
        this.announced = Objects.requireNonNull(announced, "announced");
        this.tracker = tracker;
        this.broker = broker;
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    public boolean tracked(ChannelName channel) {
        return tracker != null && tracked.test(channel.namespace());
    }

    public boolean announced(ChannelName channel) {
        return broker != null && announced.test(channel.namespace());
    }

    /** Whether a join of this channel needs doing at all (most channels: no). */
    public boolean matters(ChannelName channel) {
        return tracked(channel) || announced(channel);
    }

    /** A connection's subscription of the channel started. */
    @Override
    public void joined(ChannelName channel, PresenceEntry entry) {
        if (tracked(channel)) {
            tracker.join(channel, entry);
        }
        announce(channel, JOIN_EVENT, entry);
    }

    /** A connection's subscription of the channel ended (unsubscribed, or the connection closed). */
    @Override
    public void left(ChannelName channel, PresenceEntry entry, boolean connectionClosed) {
        left(channel, entry);
    }

    public void left(ChannelName channel, PresenceEntry entry) {
        if (tracked(channel)) {
            tracker.leave(channel, entry.client());
        }
        announce(channel, LEAVE_EVENT, entry);
    }

    /** The channel's presence set; fails for a channel whose namespace is not tracked. */
    public CompletableFuture<List<PresenceEntry>> entries(ChannelName channel) {
        if (!tracked(channel)) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "presence is off for namespace '" + channel.namespace() + "'"));
        }
        return tracker.entries(channel);
    }

    private void announce(ChannelName channel, String event, PresenceEntry entry) {
        if (!announced(channel)) {
            return;
        }
        try {
            broker.publishLive(channel, event, announcement(entry)).whenComplete((ok, error) -> {
                if (error != null) {
                    observer.presenceError();
                }
            });
        } catch (RuntimeException e) {
            observer.presenceError();
        }
    }

    /** {@code {client, user, info}}: the data of {@code rtgw.join} and {@code rtgw.leave}. */
    static String announcement(PresenceEntry entry) {
        StringBuilder b = new StringBuilder(64 + (entry.info() == null ? 0 : entry.info().length()));
        b.append("{\"client\":");
        JsonStrings.quote(b, entry.client());
        b.append(",\"user\":");
        JsonStrings.quote(b, entry.user());
        b.append(",\"info\":").append(entry.info() == null ? "null" : entry.info()).append('}');
        return b.toString();
    }
}
