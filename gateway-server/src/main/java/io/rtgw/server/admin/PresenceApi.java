package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;

/**
 * Reserves {@code GET /api/presence} and {@code /api/presence/stats} (docs/protocol.md §7, §9) until
 * presence exists: a clear 404 instead of "no such path", so a caller knows the path is right.
 */
public final class PresenceApi {
    private PresenceApi() {
    }

    public static AdminRoute reserved() {
        return new AdminRoute() {
            @Override
            public HttpMethod method() {
                return HttpMethod.GET;
            }

            @Override
            public CompletableFuture<AdminResponse> handle(AdminRequest request) {
                return CompletableFuture.completedFuture(AdminResponse.error(HttpResponseStatus.NOT_FOUND, "not_found",
                        "presence is not available yet in this release (docs/protocol.md §9)"));
            }
        };
    }
}
