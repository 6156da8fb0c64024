package io.rtgw.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.ChannelName;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.TenantLoad;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/channels}, {@code GET /api/users/<user>} and {@code GET /api/info}
 * (docs/protocol.md §7): answered from the nodes' periodic reports, never by asking each node, so
 * each is one read however large the fleet — and as fresh as the last report interval.
 */
public final class LoadApi {
    public static final int CHANNEL_PAGE = 1000;
    public static final String USERS_PREFIX = "/api/users/";

    private LoadApi() {
    }

    public static AdminRoute channels(ApiAccess access, ControlPlane plane) {
        Set<String> params = Set.of("tenant", "prefix", "cursor");
        return new ApiEndpoint(HttpMethod.GET, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                ApiFields query = ApiFields.query(request, params);
                String tenant = query.tenant();
                String prefix = query.text("prefix", false);
                if (prefix != null && prefix.length() > ChannelName.MAX_NAME_LENGTH) {
                    throw ApiError.badField("prefix", "'prefix' must be at most " + ChannelName.MAX_NAME_LENGTH + " characters");
                }
                String after = cursor(query.text("cursor", false));
                ApiAccess.requireTenant(scope, tenant);
                return plane.tenantLoad(tenant).thenApply(load -> page(load, prefix == null ? "" : prefix, after));
            }
        };
    }

    /** The last channel of the previous page, base64url: opaque to callers, stable across reports. */
    private static String cursor(String text) throws ApiError {
        if (text == null) {
            return null;
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            if (ChannelName.nameProblem(name) == null) {
                return name;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiError.badField("cursor", "'cursor' is not one this API gave out; start without it");
    }

    static AdminResponse page(List<TenantLoad> load, String prefix, String after) {
        TreeMap<String, Integer> summed = new TreeMap<>();
        for (TenantLoad share : load) {
            share.channels().forEach((channel, n) -> {
                if (n > 0 && channel.startsWith(prefix)) {
                    summed.merge(channel, n, Integer::sum);
                }
            });
        }
        Map<String, Integer> rest = after == null ? summed : summed.tailMap(after, false);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode channels = out.putArray("channels");
        String last = null;
        int left = rest.size();
        for (Map.Entry<String, Integer> e : rest.entrySet()) {
            if (channels.size() == CHANNEL_PAGE) {
                break;
            }
            channels.addObject().put("channel", e.getKey()).put("subscribers", e.getValue());
            last = e.getKey();
            left--;
        }
        if (left > 0) {
            out.put("cursor", Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        return AdminResponse.json(HttpResponseStatus.OK, out.toString());
    }

    /** {@code GET /api/users/<user>?tenant=}: the user id is the rest of the path, URL-decoded. */
    public static AdminRoute user(ApiAccess access, ControlPlane plane) {
        return new ApiEndpoint(HttpMethod.GET, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                String tenant = ApiFields.query(request, Set.of("tenant")).tenant();
                String user = request.path().substring(USERS_PREFIX.length());
                ApiFields.checkUser(user, "user");
                ApiAccess.requireTenant(scope, tenant);
                return plane.tenantLoad(tenant).thenApply(load -> {
                    int connections = 0;
                    Set<String> nodes = new TreeSet<>();
                    for (TenantLoad share : load) {
                        int n = share.users().getOrDefault(user, 0);
                        if (n > 0) {
                            connections += n;
                            nodes.add(share.node());
                        }
                    }
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    out.put("online", connections > 0).put("connections", connections);
                    ArrayNode ids = out.putArray("nodes");
                    nodes.forEach(ids::add);
                    return AdminResponse.json(HttpResponseStatus.OK, out.toString());
                });
            }
        };
    }

    /** {@code GET /api/info}: every live node. It is about the fleet, not a tenant: global keys only. */
    public static AdminRoute info(ApiAccess access, ControlPlane plane, Clock clock) {
        return new ApiEndpoint(HttpMethod.GET, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                ApiFields.query(request, Set.of());
                ApiAccess.requireGlobal(scope);
                return plane.nodes().thenApply(nodes -> {
                    long now = clock.millis() / 1000;
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    ArrayNode list = out.putArray("nodes");
                    nodes.stream().sorted(Comparator.comparing(NodeReport::id)).forEach(n -> list.addObject()
                            .put("id", n.id())
                            .put("version", n.version())
                            .put("uptime", Math.max(0, now - n.startedAt()))
                            .put("connections", n.connections())
                            .put("subscriptions", n.subscriptions())
                            .put("broker", n.brokerUp() ? "up" : "down")
                            .put("draining", n.draining()));
                    return AdminResponse.json(HttpResponseStatus.OK, out.toString());
                });
            }
        };
    }
}
