package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.rtgw.auth.ApiKeySet;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlListener;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.Revocation;
import io.rtgw.core.control.TenantLoad;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A control plane that cannot be reached (Redis down) is a temporary 503 {@code unavailable} for every call, never a 500. */
class ControlPlaneDownTest {
    private static final String KEY = "down-test-key-0123456789";
    private static final ApiAccess ACCESS = new ApiAccess(new LiveApiKeys(ApiKeySet.builder().global(KEY).build()));

    /** Every call fails as Lettuce's would with Redis away. */
    private static final ControlPlane DOWN = new ControlPlane() {
        private <T> CompletableFuture<T> down() {
            return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        }

        @Override
        public CompletableFuture<Void> start(String nodeId, ControlListener listener) {
            return down();
        }

        @Override
        public CompletableFuture<Integer> broadcast(ControlCommand command, Duration timeout) {
            return down();
        }

        @Override
        public CompletableFuture<Void> storeRevocation(Revocation revocation) {
            return down();
        }

        @Override
        public CompletableFuture<Boolean> removeRevocation(Revocation revocation) {
            return down();
        }

        @Override
        public CompletableFuture<List<Revocation>> revocations() {
            return down();
        }

        @Override
        public CompletableFuture<Void> report(NodeReport node, Map<String, TenantLoad> changedTenants) {
            return down();
        }

        @Override
        public CompletableFuture<List<NodeReport>> nodes() {
            return down();
        }

        @Override
        public CompletableFuture<List<TenantLoad>> tenantLoad(String tenant) {
            return down();
        }

        @Override
        public void close() {
        }
    };

    private static AdminResponse call(AdminRoute route, String path, String query, String body) throws Exception {
        var params = new io.netty.handler.codec.http.QueryStringDecoder(path + (query == null ? "" : "?" + query)).parameters();
        return route.handle(new AdminRequest(route.method(), path, params, "Bearer " + KEY,
                body == null ? null : "application/json", body == null ? "" : body)).get();
    }

    @Test
    void everyCallOfTheControlPlaneAnswers503Unavailable() throws Exception {
        Clock clock = Clock.systemUTC();
        List<AdminResponse> answers = List.of(
                call(CommandApi.disconnect(ACCESS, DOWN), "/api/disconnect", null, "{\"tenant\":\"acme\",\"user\":\"u\"}"),
                call(CommandApi.unsubscribe(ACCESS, DOWN), "/api/unsubscribe", null,
                        "{\"tenant\":\"acme\",\"user\":\"u\",\"channel\":\"room:1\"}"),
                call(RevocationApi.revoke(ACCESS, DOWN, clock), "/api/revoke", null, "{\"tenant\":\"acme\",\"user\":\"u\"}"),
                call(RevocationApi.lift(ACCESS, DOWN, clock), "/api/revoke", null, "{\"tenant\":\"acme\",\"user\":\"u\"}"),
                call(RevocationApi.list(ACCESS, DOWN), "/api/revocations", "tenant=acme", null),
                call(LoadApi.channels(ACCESS, DOWN), "/api/channels", "tenant=acme", null),
                call(LoadApi.user(ACCESS, DOWN), "/api/users/u", "tenant=acme", null),
                call(LoadApi.info(ACCESS, DOWN, clock), "/api/info", null, null));
        for (AdminResponse r : answers) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(r.status().code()).as(body).isEqualTo(503);
            assertThat(body).contains("\"error\":\"unavailable\"");
        }
        assertThat(HttpMethod.DELETE).isEqualTo(RevocationApi.lift(ACCESS, DOWN, clock).method());
    }
}
