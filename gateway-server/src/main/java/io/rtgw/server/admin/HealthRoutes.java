package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** {@code /healthz} and {@code /readyz}. */
public final class HealthRoutes {
    private HealthRoutes() {
    }

    /**
     * 200 once every client event loop has run a task, 503 when one has not within {@code within}:
     * a loop that is stuck (blocked, spinning) holds every client on it, and the admin listener
     * runs on a loop of its own, so answering alone proves nothing about the client loops.
     */
    public static AdminRoute liveness(EventExecutorGroup clientLoops, Duration within) {
        return new GetRoute() {
            @Override
            public CompletableFuture<AdminResponse> handle(AdminRequest request) {
                List<CompletableFuture<Void>> ran = new ArrayList<>();
                for (EventExecutor loop : clientLoops) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    loop.execute(() -> done.complete(null));
                    ran.add(done);
                }
                return CompletableFuture.allOf(ran.toArray(CompletableFuture[]::new))
                        .orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                        .handle((ok, late) -> late == null
                                ? AdminResponse.json(HttpResponseStatus.OK, "{\"status\":\"ok\"}")
                                : AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"event_loop_stuck\"}"));
            }
        };
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
        return new GetRoute() {
            @Override
            public CompletableFuture<AdminResponse> handle(AdminRequest request) {
                return CompletableFuture.completedFuture(answer.get());
            }
        };
    }

    private abstract static class GetRoute implements AdminRoute {
        @Override
        public HttpMethod method() {
            return HttpMethod.GET;
        }
    }
}
