package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import io.rtgw.testkit.RedisSentinelGroup;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Sentinel-managed Redis failing over under two nodes' control plane. */
class SentinelControlPlaneTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.sentinel();

    @Test
    void theControlPlaneFollowsTheNewMasterKeepsRevocationsAndTheNodesReRead(RedisSentinelGroup group) throws Exception {
        ControlPlanes.Recorder onA = new ControlPlanes.Recorder(1);
        ControlPlanes.Recorder onB = new ControlPlanes.Recorder(2);
        try (RedisControlPlane a = ControlPlanes.started(group.uri(), redis.keyPrefix(), "node-a", onA);
             RedisControlPlane b = ControlPlanes.started(group.uri(), redis.keyPrefix(), "node-b", onB)) {
            String tenant = redis.tenant();
            Revocation revocation = Revocation.ofUser(tenant, "alice", System.currentTimeMillis() / 1000);
            a.storeRevocation(revocation).get(10, TimeUnit.SECONDS);
            ControlCommand before = new ControlCommand.Disconnect(tenant, "alice", null, false);
            assertThat(a.broadcast(before, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(group.master().cli("WAIT", "1", "5000")).isEqualTo("1");

            int oldMaster = group.currentMasterPort();
            group.failover();
            await().atMost(WAIT).until(() -> group.currentMasterPort() != oldMaster);
            await().atMost(WAIT).until(() -> onA.rejoins.get() >= 1 && onB.rejoins.get() >= 1 && a.isUp() && b.isUp());

            assertThat(b.revocations().get(10, TimeUnit.SECONDS)).containsExactly(revocation);
            ControlCommand after = new ControlCommand.Disconnect(tenant, "bob", null, false);
            await().atMost(WAIT).until(() -> b.broadcast(after, Duration.ofSeconds(5)).get(60, TimeUnit.SECONDS) == 3);
            assertThat(onA.commands).contains(before, after);
        }
    }
}
