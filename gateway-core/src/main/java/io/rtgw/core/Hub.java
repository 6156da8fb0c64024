package io.rtgw.core;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryPolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's registry of channels with local subscribers, one {@link ChannelFeed} each, and the
 * fan-out of broker publications to them.
 *
 * <p>The node subscribes a channel at the broker when its first local subscriber arrives and
 * unsubscribes a {@code linger} after the last one leaves, so clients that come and go (long-poll
 * above all) do not churn broker subscriptions.
 *
 * <p>Quiet channels are checked: a lost announcement right before a channel goes quiet is
 * otherwise never noticed, since nothing arrives to show the skipped offset. Each feed that has
 * had no positioned traffic for {@code positionCheck} asks the broker for its head, spread over
 * time and capped at {@link #MAX_CHECKS_PER_SECOND} per node.
 */
public final class Hub implements BrokerListener {
    public static final Duration DEFAULT_POSITION_CHECK = Duration.ofSeconds(10);
    /** Bounds what the position check costs the broker, whatever the number of quiet channels. */
    static final int MAX_CHECKS_PER_SECOND = 1000;
    /**
     * Publications a channel keeps for resuming sessions, at most: a storm's clients are a few
     * seconds behind and long-poll clients a few messages; further back costs a broker read.
     */
    static final int RECENT_LIMIT = 256;
    /** ... and none older than this: a node holds seconds of each channel's traffic, not its history. */
    static final Duration RECENT_MAX_AGE = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final Broker broker;
    private final ScheduledExecutorService timer;
    private final long lingerNanos;
    private final long checkNanos;
    private final GatewayObserver observer;
    private final int historyPageSize;
    /** Null: sessions always read the broker's history (see {@link RecentPublications}). */
    private final HistoryPolicies recentPolicies;
    private final Map<ChannelName, ChannelFeed> channels = new ConcurrentHashMap<>();
    private volatile boolean brokerDown;

    public Hub(Broker broker, ScheduledExecutorService timer, Duration linger, GatewayObserver observer) {
        this(broker, timer, linger, observer, DEFAULT_POSITION_CHECK, SessionSettings.DEFAULTS.historyPageSize());
    }

    /**
     * @param positionCheck how long a channel may stay quiet before its head is checked (zero: never)
     * @param historyPageSize how many publications one history read asks for
     */
    public Hub(Broker broker, ScheduledExecutorService timer, Duration linger, GatewayObserver observer,
               Duration positionCheck, int historyPageSize) {
        this(broker, timer, linger, observer, positionCheck, historyPageSize, null);
    }

    /**
     * @param recentPolicies the broker's history policies: each channel then keeps up to a page of
     *                       what it forwarded lately (within the channel's history size and TTL),
     *                       and sessions resuming within it catch up without a broker read; null:
     *                       every catch-up reads the broker
     */
    public Hub(Broker broker, ScheduledExecutorService timer, Duration linger, GatewayObserver observer,
               Duration positionCheck, int historyPageSize, HistoryPolicies recentPolicies) {
        this.recentPolicies = recentPolicies;
        this.broker = Objects.requireNonNull(broker, "broker");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.lingerNanos = linger.toNanos();
        this.observer = Objects.requireNonNull(observer, "observer");
        this.checkNanos = positionCheck.toNanos();
        this.historyPageSize = historyPageSize;
        if (checkNanos > 0) {
            long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(100), checkNanos / 10);
            timer.scheduleWithFixedDelay(() -> checkQuietChannels(tick), tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Registers a session for a channel; called on the session's executor. Publications reach the
     * session from now on; {@link ChannelFeed#brokerSubscription()} tells when they are complete.
     */
    public ChannelFeed add(ChannelName channel, SessionHandle session) {
        while (true) {
            ChannelFeed feed = channels.computeIfAbsent(channel, c -> new ChannelFeed(c, this));
            synchronized (feed) {
                if (feed.removed) {
                    continue; // lost a race with its unsubscribe: look again
                }
                feed.count++;
                if (feed.lingering != null) {
                    feed.lingering.cancel(false);
                    feed.lingering = null;
                }
            }
            feed.loop(session.executor()).add(session);
            observer.subscriptionsChanged(1);
            return feed;
        }
    }

    /** Removes a session from a channel; called on the session's executor. */
    public void remove(ChannelFeed feed, SessionHandle session) {
        if (!feed.loop(session.executor()).remove(session)) {
            return;
        }
        observer.subscriptionsChanged(-1);
        synchronized (feed) {
            if (--feed.count > 0 || feed.removed) {
                return;
            }
            try {
                feed.lingering = timer.schedule(() -> unsubscribeIfIdle(feed), lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                feed.removed = true; // the node is stopping: its broker subscriptions end with it
                channels.remove(feed.channel, feed);
            }
        }
    }

    private void unsubscribeIfIdle(ChannelFeed feed) {
        synchronized (feed) {
            if (feed.count > 0 || feed.removed) {
                return;
            }
            // Under the feed's monitor, so a subscriber arriving now waits and then finds it removed.
            feed.unsubscribeAtBroker();
            channels.remove(feed.channel, feed);
        }
    }

    void unsubscribeFailed(ChannelName channel, Throwable error) {
        if (error != null) {
            log.warn("unsubscribe {} failed: {}", channel, error.toString());
        }
    }

    private void checkQuietChannels(long tickNanos) {
        long now = System.nanoTime();
        int budget = (int) Math.max(1, MAX_CHECKS_PER_SECOND * tickNanos / 1_000_000_000L);
        for (ChannelFeed feed : channels.values()) {
            if (budget == 0) {
                return;
            }
            if (feed.count > 0 && now - feed.lastTrafficNanos >= checkNanos && now - feed.nextCheckNanos >= 0) {
                // jittered, so channels that went quiet together are not all checked together again
                feed.nextCheckNanos = now + checkNanos + ThreadLocalRandom.current().nextLong(checkNanos / 10 + 1);
                budget--;
                try {
                    feed.checkPosition();
                } catch (RuntimeException e) {
                    log.warn("position check of {} failed", feed.channel, e);
                }
            }
        }
    }

    Broker broker() {
        return broker;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    GatewayObserver observer() {
        return observer;
    }

    int historyPageSize() {
        return historyPageSize;
    }

    /** A new feed's memory of recent publications, or null when this hub keeps none. */
    RecentPublications recentPublications(ChannelName channel) {
        return recentPolicies == null ? null
                : new RecentPublications(Math.min(historyPageSize, RECENT_LIMIT), recentPolicies.forChannel(channel),
                        RECENT_MAX_AGE);
    }

    /** Channels with a broker subscription (including lingering ones). */
    public int channelCount() {
        return channels.size();
    }

    /** Local subscribers of a channel (for the server API and tests). */
    public int subscriberCount(ChannelName channel) {
        ChannelFeed f = channels.get(channel);
        return f == null ? 0 : f.count;
    }

    /**
     * Local subscribers of every channel that has one (a snapshot for the node's reports). Each
     * count is read under its feed's monitor, held for no more than the read.
     */
    public Map<ChannelName, Integer> subscriberCounts() {
        Map<ChannelName, Integer> out = new java.util.HashMap<>();
        channels.forEach((c, f) -> {
            int n;
            synchronized (f) {
                n = f.count;
            }
            if (n > 0) {
                out.put(c, n);
            }
        });
        return out;
    }

    public List<ChannelName> activeChannels() {
        List<ChannelName> out = new ArrayList<>();
        channels.forEach((c, f) -> {
            if (f.count > 0) {
                out.add(c);
            }
        });
        return out;
    }

    public boolean brokerUp() {
        return !brokerDown && broker.isUp();
    }

    @Override
    public void onPublication(Publication publication) {
        ChannelFeed feed = channels.get(publication.channel());
        if (feed != null) {
            feed.accept(publication);
        }
    }

    @Override
    public void onChannelResync(ChannelName channel) {
        ChannelFeed feed = channels.get(channel);
        if (feed != null) {
            feed.resync();
        }
    }

    @Override
    public void onBrokerDown() {
        brokerDown = true;
        observer.brokerState(false);
    }

    /** After an outage every channel fills what it missed: one read per channel, not per session. */
    @Override
    public void onBrokerUp() {
        boolean wasDown = brokerDown;
        brokerDown = false;
        observer.brokerState(true);
        if (wasDown) {
            channels.values().forEach(ChannelFeed::resync);
        }
    }
}
