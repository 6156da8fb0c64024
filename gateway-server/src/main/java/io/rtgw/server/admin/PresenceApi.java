package io.rtgw.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.ChannelName;
import io.rtgw.core.presence.Presence;
import io.rtgw.core.presence.PresenceEntry;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code GET /api/presence} and {@code GET /api/presence/stats} (docs/protocol.md §7, §9): a
 * channel's presence set across the fleet, read from the presence store (one key per channel),
 * so it is as current as the last join and leave — not as old as a report interval.
 */
public final class PresenceApi {
    private static final Set<String> PARAMS = Set.of("tenant", "channel");

    private PresenceApi() {
    }

    /** {@code {"clients":[{"client","user","info","since"}]}}, oldest first. */
    public static AdminRoute clients(ApiAccess access, Presence presence) {
        return endpoint(access, presence, entries -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode clients = out.putArray("clients");
            entries.stream().sorted(Comparator.comparingLong(PresenceEntry::since).thenComparing(PresenceEntry::client))
                    .forEach(e -> {
                        ObjectNode c = clients.addObject().put("client", e.client()).put("user", e.user());
                        if (e.info() == null) {
                            c.putNull("info");
                        } else {
                            c.putRawValue("info", new RawValue(e.info()));
                        }
                        c.put("since", e.since());
                    });
            return out;
        });
    }

    /** {@code {"clients": n, "users": m}}: connections, and distinct users among them. */
    public static AdminRoute stats(ApiAccess access, Presence presence) {
        return endpoint(access, presence, entries -> {
            Set<String> users = new HashSet<>();
            entries.forEach(e -> users.add(e.user()));
            return JsonNodeFactory.instance.objectNode().put("clients", entries.size()).put("users", users.size());
        });
    }

    private static AdminRoute endpoint(ApiAccess access, Presence presence, Function<List<PresenceEntry>, ObjectNode> answer) {
        return new ApiEndpoint(HttpMethod.GET, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                ApiFields query = ApiFields.query(request, PARAMS);
                String tenant = query.tenant();
                ChannelName channel = ChannelName.of(tenant, query.channel("channel", true));
                ApiAccess.requireTenant(scope, tenant);
                if (!presence.tracked(channel)) {
                    throw ApiError.badField("channel", "presence is off for namespace '" + channel.namespace()
                            + "' (namespace setting presence: true turns it on)");
                }
                return presence.entries(channel).thenApply(entries ->
                        AdminResponse.json(HttpResponseStatus.OK, answer.apply(entries).toString()));
            }
        };
    }
}
