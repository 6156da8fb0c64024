package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server-API endpoint: checks the key, reads and validates everything (an {@link ApiError}
 * answers before anything is applied), then acts. A failure of the control plane or broker while
 * acting is temporary — 503 {@code unavailable}, worth a retry — never a 500.
 */
abstract class ApiEndpoint implements AdminRoute {
    private static final Logger log = LoggerFactory.getLogger(ApiEndpoint.class);
    private static final long LOG_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final java.util.concurrent.atomic.AtomicLong lastLogged =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final HttpMethod method;
    private final ApiAccess access;

    ApiEndpoint(HttpMethod method, ApiAccess access) {
        this.method = method;
        this.access = access;
    }

    @Override
    public final HttpMethod method() {
        return method;
    }

    @Override
    public final CompletableFuture<AdminResponse> handle(AdminRequest request) {
        try {
            return serve(request, access.scope(request)).exceptionally(error -> {
                logFailure(request, error);
                return AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the gateway's control plane or broker is unreachable; retry");
            });
        } catch (ApiError refused) {
            return CompletableFuture.completedFuture(refused.response());
        } catch (RuntimeException bug) {
            log.error("{} {} failed", request.method(), request.path(), bug);
            return CompletableFuture.completedFuture(
                    AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error"));
        }
    }

    /** Once per {@link #LOG_EVERY_NANOS} at most: an outage fails every call, and rtgw_api_requests_total counts them. */
    private static void logFailure(AdminRequest request, Throwable error) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            log.warn("{} {} failed (503; further failures are counted, logged every 10 s): {}", request.method(),
                    request.path(), error.toString());
        }
    }

    abstract CompletableFuture<AdminResponse> serve(AdminRequest request, ApiKeyScope scope) throws ApiError;

    static CompletableFuture<AdminResponse> ok(String json) {
        return CompletableFuture.completedFuture(AdminResponse.json(HttpResponseStatus.OK, json));
    }
}
