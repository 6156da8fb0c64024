package io.rtgw.core.broker;

import io.rtgw.core.ChannelName;
import java.util.Map;

/** Per-namespace history settings; namespaces not listed use the default. */
public final class HistoryPolicies {
    private final HistoryPolicy defaults;
    private final Map<String, HistoryPolicy> byNamespace;

    public HistoryPolicies(HistoryPolicy defaults, Map<String, HistoryPolicy> byNamespace) {
        this.defaults = defaults;
        this.byNamespace = Map.copyOf(byNamespace);
    }

    public static HistoryPolicies uniform(HistoryPolicy policy) {
        return new HistoryPolicies(policy, Map.of());
    }

    public HistoryPolicy defaults() {
        return defaults;
    }

    /** The namespaces with settings of their own (an app publishing straight to Redis needs them too). */
    public Map<String, HistoryPolicy> byNamespace() {
        return byNamespace;
    }

    public HistoryPolicy forChannel(ChannelName channel) {
        return byNamespace.getOrDefault(channel.namespace(), defaults);
    }

    /** The largest size of any namespace: what a full catch-up can need in one read. */
    public int maxSize() {
        int max = defaults.size();
        for (HistoryPolicy p : byNamespace.values()) {
            max = Math.max(max, p.size());
        }
        return max;
    }
}
