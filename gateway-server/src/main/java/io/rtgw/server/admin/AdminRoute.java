package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletableFuture;

/** One path of the admin listener. Must not block: slow work completes the future later. */
public interface AdminRoute {
    HttpMethod method();

    CompletableFuture<AdminResponse> handle(AdminRequest request);
}
