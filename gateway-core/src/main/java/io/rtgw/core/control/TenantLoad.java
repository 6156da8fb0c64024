package io.rtgw.core.control;

import java.util.Map;

/**
 * One node's share of a tenant: local subscribers by channel and connections by user. The server
 * API sums these over live nodes.
 */
public record TenantLoad(String node, Map<String, Integer> channels, Map<String, Integer> users) {
    public TenantLoad {
        channels = Map.copyOf(channels);
        users = Map.copyOf(users);
    }

    public boolean isEmpty() {
        return channels.isEmpty() && users.isEmpty();
    }
}
