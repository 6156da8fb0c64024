package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlPlane;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/disconnect} and {@code POST /api/unsubscribe} (docs/protocol.md §7): one command
 * to every node, answered with how many connections or subscriptions it ended on the nodes that
 * answered within {@link #BROADCAST_TIMEOUT}. A user with no connections is no error: 0.
 */
public final class CommandApi {
    /** Nodes that answer later are not counted; the call is answered within 2 s either way. */
    public static final Duration BROADCAST_TIMEOUT = Duration.ofMillis(1500);
    /** A control plane that has not answered by then is treated as unreachable (503). */
    static final Duration ANSWER_TIMEOUT = Duration.ofMillis(1900);

    private CommandApi() {
    }

    static CompletableFuture<Integer> broadcast(ControlPlane plane, ControlCommand command) {
        return plane.broadcast(command, BROADCAST_TIMEOUT).orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static AdminRoute disconnect(ApiAccess access, ControlPlane plane) {
        Set<String> fields = Set.of("tenant", "user", "client", "reconnect");
        return new ApiEndpoint(HttpMethod.POST, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                ApiFields body = ApiFields.body(request, fields);
                String tenant = body.tenant();
                String user = body.user(true);
                String client = body.id("client", false);
                boolean reconnect = body.bool("reconnect", false);
                ApiAccess.requireTenant(scope, tenant);
                return broadcast(plane, new ControlCommand.Disconnect(tenant, user, client, reconnect))
                        .thenApply(n -> AdminResponse.json(io.netty.handler.codec.http.HttpResponseStatus.OK,
                                "{\"disconnected\":" + n + "}"));
            }
        };
    }

    public static AdminRoute unsubscribe(ApiAccess access, ControlPlane plane) {
        Set<String> fields = Set.of("tenant", "user", "channel");
        return new ApiEndpoint(HttpMethod.POST, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                ApiFields body = ApiFields.body(request, fields);
                String tenant = body.tenant();
                String user = body.user(true);
                String channel = body.channel("channel", true);
                ApiAccess.requireTenant(scope, tenant);
                return broadcast(plane, new ControlCommand.Unsubscribe(tenant, user, channel))
                        .thenApply(n -> AdminResponse.json(io.netty.handler.codec.http.HttpResponseStatus.OK,
                                "{\"unsubscribed\":" + n + "}"));
            }
        };
    }
}
