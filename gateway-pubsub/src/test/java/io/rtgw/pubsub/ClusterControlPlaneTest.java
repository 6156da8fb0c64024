package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.Revocation;
import io.rtgw.core.control.TenantLoad;
import io.rtgw.testkit.RedisCluster;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes on a three-master Redis Cluster: sharded pub/sub for commands, one slot per group of keys. */
class ClusterControlPlaneTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    private RedisCluster cluster;
    private String tenant;
    private final ControlPlanes.Recorder onA = new ControlPlanes.Recorder(1);
    private final ControlPlanes.Recorder onB = new ControlPlanes.Recorder(4);
    private RedisControlPlane a;
    private RedisControlPlane b;

    @BeforeEach
    void start() throws Exception {
        cluster = redis.cluster();
        tenant = redis.tenant();
        a = ControlPlanes.started(cluster.seedUri(), redis.keyPrefix(), "node-a", onA);
        b = ControlPlanes.started(cluster.seedUri(), redis.keyPrefix(), "node-b", onB);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void commandsTravelOverShardedPubSubToEveryNode() throws Exception {
        String prefix = redis.keyPrefix();
        Set<String> slots = new HashSet<>();
        for (String channel : new String[]{prefix + ":{~control}", prefix + ":{~node:node-a}", prefix + ":{~node:node-b}"}) {
            slots.add(cluster.cli("CLUSTER", "KEYSLOT", channel));
        }
        assertThat(slots).as("control and reply channels hash apart").hasSizeGreaterThan(1);
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "alice", null, false);
        assertThat(a.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        ControlCommand unsubscribe = new ControlCommand.Unsubscribe(tenant, "alice", "room:1");
        assertThat(b.broadcast(unsubscribe, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(onA.commands).containsExactly(disconnect, unsubscribe);
        assertThat(onB.commands).containsExactly(disconnect, unsubscribe);
    }

    @Test
    void revocationsAndReportsLiveInOneSlotEach() throws Exception {
        String prefix = redis.keyPrefix();
        assertThat(cluster.cli("CLUSTER", "KEYSLOT", prefix + ":{~revocations}:users"))
                .isEqualTo(cluster.cli("CLUSTER", "KEYSLOT", prefix + ":{~revocations}:tokens"));
        assertThat(cluster.cli("CLUSTER", "KEYSLOT", prefix + ":{~cluster}:nodes"))
                .isEqualTo(cluster.cli("CLUSTER", "KEYSLOT", prefix + ":{~cluster}:t:" + tenant));

        long now = System.currentTimeMillis() / 1000;
        Revocation user = Revocation.ofUser(tenant, "alice", now);
        Revocation token = Revocation.ofToken(tenant, "jti-9", now + 600);
        a.storeRevocation(user).get(10, TimeUnit.SECONDS);
        a.storeRevocation(token).get(10, TimeUnit.SECONDS);
        assertThat(b.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(user, token);
        assertThat(b.removeRevocation(user).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.revocations().get(10, TimeUnit.SECONDS)).containsExactly(token);

        a.report(ControlPlanes.report("node-a", 2), Map.of(tenant, ControlPlanes.load("node-a", Map.of("room:1", 2), Map.of("alice", 2))))
                .get(10, TimeUnit.SECONDS);
        b.report(ControlPlanes.report("node-b", 1), Map.of(tenant, ControlPlanes.load("node-b", Map.of("room:1", 1), Map.of("bob", 1))))
                .get(10, TimeUnit.SECONDS);
        assertThat(a.nodes().get(10, TimeUnit.SECONDS)).extracting(NodeReport::id).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(b.tenantLoad(tenant).get(10, TimeUnit.SECONDS).stream()
                .mapToInt(l -> l.channels().getOrDefault("room:1", 0)).sum()).isEqualTo(3);
        assertThat(a.tenantLoad(tenant).get(10, TimeUnit.SECONDS)).extracting(TenantLoad::node)
                .containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void nodesCutOffFromTheirShardsRejoinAndReReadRevocations() throws Exception {
        for (RedisServer node : cluster.nodes()) {
            node.cli("CLIENT", "KILL", "TYPE", "pubsub");
        }
        await().atMost(WAIT).until(() -> onA.rejoins.get() >= 1 && onB.rejoins.get() >= 1 && a.isUp() && b.isUp());
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "alice", null, true);
        assertThat(a.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
    }
}
