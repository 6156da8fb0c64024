package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server API across two nodes on one standalone redis-server ({@link ServerApiAcrossNodesContract}),
 * plus what only a single server can show here: revocations survive a Redis restart, because
 * Redis keeps them in its append-only file (fsynced before every reply, so even a SIGKILL
 * loses none).
 */
class ServerApiOnRedisIT extends ServerApiAcrossNodesContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendFsyncAlways();

    @Override
    RedisServerExtension redis() {
        return redis;
    }

    @Override
    String redisUrl() {
        return redis.server().uri();
    }

    @Override
    String cli(String... args) {
        return redis.server().cli(args);
    }

    @Test
    void aRevocationSurvivesARedisRestartOnBothNodesAndForANodeStartedAfterIt(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String token = token("rita", tenant, "room:*");
        assertThat(ok(api(a()).post("/api/revoke", body("tenant", tenant, "user", "rita"))).path("revoked").asInt()).isZero();
        refusesAsRevoked(b(), token);

        server.crash();
        rig.awaitAllUnready();
        server.restart();
        await().atMost(FaultRig.WAIT).until(() -> rig.nodes.stream().allMatch(FaultRig::ready));

        refusesAsRevoked(a(), token);
        refusesAsRevoked(b(), token);
        try (RunningGateway late = rig.newNode()) {
            refusesAsRevoked(late, token);
            assertThat(ok(api(late).get("/api/revocations?tenant=" + tenant)).path("revocations")
                    .findValuesAsText("user")).containsExactly("rita");
        }
        assertThat(ok(api(b()).delete("/api/revoke", body("tenant", tenant, "user", "rita"))).path("lifted")
                .asBoolean()).isTrue();
        await().atMost(PATIENCE).until(() -> admits(a(), token));
    }
}
