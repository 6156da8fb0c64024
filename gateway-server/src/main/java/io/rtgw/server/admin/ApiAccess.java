package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.auth.LiveApiKeys;

/** Who may call the server API: a valid key (401 otherwise), and only for its tenant (403 otherwise). */
public final class ApiAccess {
    private final LiveApiKeys keys;

    public ApiAccess(LiveApiKeys keys) {
        this.keys = keys;
    }

    public ApiKeyScope scope(AdminRequest request) throws ApiError {
        return keys.checkAuthorizationHeader(request.authorization()).orElseThrow(() -> new ApiError(
                HttpResponseStatus.UNAUTHORIZED, "unauthorized", "send 'Authorization: Bearer <api key>'", null));
    }

    public static void requireTenant(ApiKeyScope scope, String tenant) throws ApiError {
        if (!scope.allows(tenant)) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "this API key may not act on tenant " + tenant, "tenant");
        }
    }

    /** Calls about the whole fleet, not one tenant, need a global key. */
    public static void requireGlobal(ApiKeyScope scope) throws ApiError {
        if (!scope.isGlobal()) {
            throw new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "this call is about every tenant; it needs a global API key (RTGW_API_KEY)", null);
        }
    }
}
