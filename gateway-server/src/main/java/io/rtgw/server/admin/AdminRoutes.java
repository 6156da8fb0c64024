package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The admin listener's routing table: a route per path and method, and prefix routes for paths
 * that carry an id ({@code /api/users/<user>}). Built before the listener starts, then read only.
 */
final class AdminRoutes {
    /** A path's routes by method, and the name its calls are counted under (null: not counted). */
    record Target(String endpoint, Map<HttpMethod, AdminRoute> byMethod) {
        String allowed() {
            return byMethod.keySet().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
        }
    }

    private final Map<String, Target> exact = new LinkedHashMap<>();
    private final Map<String, Target> prefixes = new LinkedHashMap<>();

    void add(String path, String endpoint, AdminRoute route) {
        put(exact, path, endpoint, route);
    }

    void addPrefix(String prefix, String endpoint, AdminRoute route) {
        put(prefixes, prefix, endpoint, route);
    }

    private static void put(Map<String, Target> table, String key, String endpoint, AdminRoute route) {
        Target t = table.computeIfAbsent(key, k -> new Target(endpoint, new LinkedHashMap<>()));
        if (t.byMethod().putIfAbsent(route.method(), route) != null) {
            throw new IllegalStateException(route.method() + " " + key + " is routed twice");
        }
    }

    /** The target of a path: its exact route, else the longest prefix with something after it; null when none. */
    Target find(String path) {
        Target t = exact.get(path);
        if (t != null) {
            return t;
        }
        Target best = null;
        int bestLength = -1;
        for (Map.Entry<String, Target> e : prefixes.entrySet()) {
            String prefix = e.getKey();
            if (path.length() > prefix.length() && path.startsWith(prefix) && prefix.length() > bestLength) {
                best = e.getValue();
                bestLength = prefix.length();
            }
        }
        return best;
    }
}
