package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.ChannelName;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link RedisBroker}. Options stay separate from the shared Lettuce
 * {@link ClientResources} (event loops, timers), which the server owns and passes in so that
 * every Redis client of the process shares one set of threads.
 */
public final class RedisBrokerConfig {
    /**
     * Messages from Redis that may wait per delivery lane (one lane per core). Enough to ride out
     * a burst or a GC pause of the node's listener; a lane that is still full after that means the
     * node cannot keep up, and resyncing a channel from history then costs less than the memory.
     */
    public static final int DEFAULT_LANE_CAPACITY = 10_000;
    /** Prefix of every Redis key of the gateway; the server's configuration defaults to it too. */
    public static final String DEFAULT_KEY_PREFIX = "rtgw";

    private final String url;
    private final String keyPrefix;
    private final HistoryPolicies policies;
    private final HistoryPolicy functionDefault;
    private final Map<String, HistoryPolicy> functionNamespaces;
    private final ClientResources clientResources;
    private final ClientResources pubSubResources;
    private final Duration commandTimeout;
    private final Duration idempotencyWindow;
    private final Duration positionTtl;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final Duration retryDelay;
    private final Duration topologyRefresh;
    private final int laneCapacity;

    private RedisBrokerConfig(Builder b) {
        this.url = Objects.requireNonNull(b.url, "url");
        this.keyPrefix = b.keyPrefix;
        this.policies = b.policies;
        this.functionDefault = b.functionDefault;
        this.functionNamespaces = Map.copyOf(b.functionNamespaces);
        this.clientResources = b.clientResources;
        this.pubSubResources = b.pubSubResources;
        this.commandTimeout = positive(b.commandTimeout, "commandTimeout");
        this.idempotencyWindow = positive(b.idempotencyWindow, "idempotencyWindow");
        this.positionTtl = positive(b.positionTtl, "positionTtl");
        this.probeInterval = positive(b.probeInterval, "probeInterval");
        this.probeTimeout = positive(b.probeTimeout, "probeTimeout");
        this.retryDelay = positive(b.retryDelay, "retryDelay");
        this.topologyRefresh = positive(b.topologyRefresh, "topologyRefresh");
        if (b.laneCapacity < 1) {
            throw new IllegalArgumentException("laneCapacity: " + b.laneCapacity + " (expected: > 0)");
        }
        this.laneCapacity = b.laneCapacity;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    public String url() {
        return url;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public HistoryPolicies policies() {
        return policies;
    }

    /** The policy an app's {@code FCALL rtgw_publish} gets for a namespace not listed below. */
    HistoryPolicy functionDefault() {
        return functionDefault;
    }

    /** Per-namespace policies baked into the function for apps' {@code FCALL rtgw_publish}. */
    Map<String, HistoryPolicy> functionNamespaces() {
        return functionNamespaces;
    }

    /** Null when the broker should create (and then own) its own. */
    public ClientResources clientResources() {
        return clientResources;
    }

    /** Where a broker's pub/sub connections run; null: on {@link #clientResources()}. */
    public ClientResources pubSubResources() {
        return pubSubResources;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration idempotencyWindow() {
        return idempotencyWindow;
    }

    public Duration positionTtl() {
        return positionTtl;
    }

    public Duration probeInterval() {
        return probeInterval;
    }

    public Duration probeTimeout() {
        return probeTimeout;
    }

    public Duration retryDelay() {
        return retryDelay;
    }

    public Duration topologyRefresh() {
        return topologyRefresh;
    }

    /** Messages from Redis that may wait per delivery lane before a channel is resynced instead. */
    public int laneCapacity() {
        return laneCapacity;
    }

    public static final class Builder {
        private final String url;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private HistoryPolicies policies = HistoryPolicies.uniform(HistoryPolicy.DEFAULT);
        private HistoryPolicy functionDefault = HistoryPolicy.DEFAULT;
        private Map<String, HistoryPolicy> functionNamespaces = Map.of();
        private ClientResources clientResources;
        private ClientResources pubSubResources;
        private Duration commandTimeout = Duration.ofSeconds(5);
        private Duration idempotencyWindow = io.rtgw.core.broker.Broker.DEFAULT_IDEMPOTENCY_WINDOW;
        private Duration positionTtl = Duration.ofDays(7);
        private Duration probeInterval = Duration.ofSeconds(5);
        private Duration probeTimeout = Duration.ofSeconds(3);
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration topologyRefresh = Duration.ofSeconds(30);
        private int laneCapacity = DEFAULT_LANE_CAPACITY;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * The history settings: the gateway's own publishes and history reads use them per
         * channel, and the same settings are baked into the Redis function so that apps calling
         * {@code FCALL rtgw_publish} without size/ttl arguments get them too.
         */
        public Builder policies(HistoryPolicy defaults, Map<String, HistoryPolicy> byNamespace) {
            this.policies = new HistoryPolicies(defaults, byNamespace);
            this.functionDefault = defaults;
            this.functionNamespaces = Map.copyOf(byNamespace);
            return this;
        }

        /** Like {@link #policies(HistoryPolicy, Map)}, from the core value. */
        public Builder policies(HistoryPolicies policies) {
            return policies(policies.defaults(), policies.byNamespace());
        }

        public Builder clientResources(ClientResources clientResources) {
            this.clientResources = clientResources;
            return this;
        }

        /**
         * Lettuce resources for the broker's pub/sub connections only, e.g. the node's own event
         * loops ({@link RedisResources#pubSubOn}); the caller shuts them down, after the broker.
         */
        public Builder pubSubResources(ClientResources pubSubResources) {
            this.pubSubResources = pubSubResources;
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** How long a publish's idempotency key is remembered (docs/protocol.md §6: minutes). */
        public Builder idempotencyWindow(Duration idempotencyWindow) {
            this.idempotencyWindow = idempotencyWindow;
            return this;
        }

        /** How long a quiet channel keeps its position (epoch + offset) after its last publish. */
        public Builder positionTtl(Duration positionTtl) {
            this.positionTtl = positionTtl;
            return this;
        }

        /** How often the node checks its pub/sub link with a round trip through Redis. */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
            return this;
        }

        /** How long a probe may take before the link is considered silently dead and rebuilt. */
        public Builder probeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
            return this;
        }

        /** Pause between attempts to re-establish the link after a failed one. */
        public Builder retryDelay(Duration retryDelay) {
            this.retryDelay = retryDelay;
            return this;
        }

        /** Redis Cluster only: how often the slot map is re-read besides on MOVED/ASK and failures. */
        public Builder topologyRefresh(Duration topologyRefresh) {
            this.topologyRefresh = topologyRefresh;
            return this;
        }

        /**
         * How many messages from Redis may wait per delivery lane (there is one lane per core,
         * each channel always on the same lane). A message that finds its lane full is not
         * queued; its channel is resynced from history instead (the listener's
         * {@code onChannelResync}), so memory stays bounded and order intact.
         */
        public Builder laneCapacity(int laneCapacity) {
            this.laneCapacity = laneCapacity;
            return this;
        }

        public RedisBrokerConfig build() {
            return new RedisBrokerConfig(this);
        }
    }
}
