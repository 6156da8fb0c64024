package io.rtgw.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.Revocation;
import java.time.Clock;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/revoke}, {@code DELETE /api/revoke} and {@code GET /api/revocations}
 * (docs/protocol.md §7). A revocation is stored first and then broadcast, so a node that misses
 * the command (restarting, cut off) still finds it when it reads the set.
 */
public final class RevocationApi {
    private static final Set<String> FIELDS = Set.of("tenant", "user", "before", "jti", "exp");

    private RevocationApi() {
    }

    public static AdminRoute revoke(ApiAccess access, ControlPlane plane, Clock clock) {
        return new ApiEndpoint(HttpMethod.POST, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                Revocation revocation = read(ApiFields.body(request, FIELDS), scope, clock, true);
                return plane.storeRevocation(revocation)
                        .thenCompose(stored -> CommandApi.broadcast(plane, new ControlCommand.Revoke(revocation)))
                        .thenApply(n -> AdminResponse.json(HttpResponseStatus.OK, "{\"revoked\":" + n + "}"));
            }
        };
    }

    public static AdminRoute lift(ApiAccess access, ControlPlane plane, Clock clock) {
        return new ApiEndpoint(HttpMethod.DELETE, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                Revocation revocation = read(ApiFields.body(request, FIELDS), scope, clock, false);
                return plane.removeRevocation(revocation).thenCompose(active -> CommandApi.broadcast(plane,
                                new ControlCommand.Lift(revocation)).thenApply(n -> active))
                        .thenApply(active -> AdminResponse.json(HttpResponseStatus.OK, "{\"lifted\":" + active + "}"));
            }
        };
    }

    public static AdminRoute list(ApiAccess access, ControlPlane plane) {
        return new ApiEndpoint(HttpMethod.GET, access) {
            @Override
            CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError {
                String tenant = ApiFields.query(request, Set.of("tenant")).tenant();
                ApiAccess.requireTenant(scope, tenant);
                return plane.revocations().thenApply(all -> {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    ArrayNode list = out.putArray("revocations");
                    all.stream().filter(r -> r.tenant().equals(tenant))
                            .sorted(Comparator.comparing(Revocation::key))
                            .forEach(r -> {
                                ObjectNode item = list.addObject();
                                if (r.byUser()) {
                                    item.put("user", r.user()).put("before", r.before());
                                } else {
                                    item.put("jti", r.jti()).put("exp", r.exp());
                                }
                            });
                    return AdminResponse.json(HttpResponseStatus.OK, out.toString());
                });
            }
        };
    }

    /**
     * {@code {tenant, user, before?}} or {@code {tenant, jti, exp}}. {@code before} defaults to the
     * next second, so a token issued in the second of the call is covered too. Lifting names the
     * revocation only: its times may be left out.
     */
    static Revocation read(ApiFields body, ApiKeyScope scope, Clock clock, boolean storing) throws ApiError {
        String tenant = body.tenant();
        String user = body.user(false);
        String jti = body.id("jti", false);
        if ((user == null) == (jti == null)) {
            throw ApiError.badField(user == null ? "user" : "jti", "give exactly one of 'user' or 'jti'");
        }
        Revocation revocation;
        if (user != null) {
            if (body.has("exp")) {
                throw ApiError.badField("exp", "'exp' goes with 'jti'; a user revocation takes 'before'");
            }
            Long before = body.unixSeconds("before", false);
            revocation = Revocation.ofUser(tenant, user, before != null ? before : clock.millis() / 1000 + 1);
        } else {
            if (body.has("before")) {
                throw ApiError.badField("before", "'before' goes with 'user'; a token revocation takes 'exp'");
            }
            Long exp = body.unixSeconds("exp", storing);
            revocation = Revocation.ofToken(tenant, jti, exp == null ? 0 : exp);
        }
        ApiAccess.requireTenant(scope, tenant);
        return revocation;
    }
}
