package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** {@code /healthz} and {@code /readyz}. */
public final class HealthRoutes {
    private HealthRoutes() {
    }

    /** 200 whenever it answers: the answer comes from an event loop, so the loops are alive. */
    public static AdminRoute liveness() {
        return get(() -> AdminResponse.json(HttpResponseStatus.OK, "{\"status\":\"ok\"}"));
    }

    /** 503 while the broker is down or the node drains, so balancers send new clients elsewhere. */
    public static AdminRoute readiness(BooleanSupplier brokerUp, BooleanSupplier draining) {
        return get(() -> {
            if (draining.getAsBoolean()) {
                return AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"draining\"}");
            }
            if (!brokerUp.getAsBoolean()) {
                return AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"broker_down\"}");
            }
            return AdminResponse.json(HttpResponseStatus.OK, "{\"status\":\"ready\"}");
        });
    }

    public static AdminRoute get(java.util.function.Supplier<AdminResponse> answer) {
        return new AdminRoute() {
            @Override
            public HttpMethod method() {
                return HttpMethod.GET;
            }

            @Override
            public CompletableFuture<AdminResponse> handle(AdminRequest request) {
                return CompletableFuture.completedFuture(answer.get());
            }
        };
    }
}
