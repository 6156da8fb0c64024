package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.NodeReport;
import io.rtgw.core.control.TenantLoad;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes report into one Redis; readers see both, then only the one that keeps reporting. */
class NodeReportsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private RedisServer server;
    private String tenant;
    private RedisControlPlane a;
    private RedisControlPlane b;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        tenant = redis.tenant();
        Duration interval = Duration.ofMillis(300);
        a = ControlPlanes.create(server.uri(), redis.keyPrefix(), interval, Duration.ofHours(1));
        b = ControlPlanes.create(server.uri(), redis.keyPrefix(), interval, Duration.ofHours(1));
        a.start("node-a", new ControlPlanes.Recorder(0)).get(30, TimeUnit.SECONDS);
        b.start("node-b", new ControlPlanes.Recorder(0)).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void readersSeeEveryLiveNodeAndEachNodesShareOfATenant() throws Exception {
        a.report(ControlPlanes.report("node-a", 3), Map.of(tenant, ControlPlanes.load("node-a",
                Map.of("room:1", 2, "room:2", 1), Map.of("alice", 2, "bob", 1)))).get(10, TimeUnit.SECONDS);
        b.report(ControlPlanes.report("node-b", 1), Map.of(tenant, ControlPlanes.load("node-b",
                Map.of("room:1", 1), Map.of("alice", 1)))).get(10, TimeUnit.SECONDS);

        List<NodeReport> nodes = a.nodes().get(10, TimeUnit.SECONDS);
        assertThat(nodes).extracting(NodeReport::id).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(nodes).filteredOn(n -> n.id().equals("node-a")).singleElement()
                .satisfies(n -> assertThat(n.connections()).isEqualTo(3));
        List<TenantLoad> load = b.tenantLoad(tenant).get(10, TimeUnit.SECONDS);
        assertThat(load).extracting(TenantLoad::node).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(load.stream().mapToInt(l -> l.channels().getOrDefault("room:1", 0)).sum()).isEqualTo(3);
        assertThat(load.stream().mapToInt(l -> l.users().getOrDefault("alice", 0)).sum()).isEqualTo(3);
        assertThat(a.tenantLoad("nobody").get(10, TimeUnit.SECONDS)).isEmpty();

        // an empty share removes the node's field
        b.report(ControlPlanes.report("node-b", 0), Map.of(tenant, ControlPlanes.load("node-b", Map.of(), Map.of())))
                .get(10, TimeUnit.SECONDS);
        assertThat(a.tenantLoad(tenant).get(10, TimeUnit.SECONDS)).extracting(TenantLoad::node).containsExactly("node-a");
        assertThat(server.cli("HEXISTS", redis.keyPrefix() + ":{~cluster}:t:" + tenant, "node-b")).isEqualTo("0");
    }

    @Test
    void aNodeThatStopsReportingDropsOutWithinThreeIntervalsAndItsFieldsAreDeleted() throws Exception {
        a.report(ControlPlanes.report("node-a", 1), Map.of(tenant, ControlPlanes.load("node-a", Map.of("room:1", 1), Map.of())))
                .get(10, TimeUnit.SECONDS);
        b.report(ControlPlanes.report("node-b", 1), Map.of(tenant, ControlPlanes.load("node-b", Map.of("room:1", 1), Map.of())))
                .get(10, TimeUnit.SECONDS);
        assertThat(a.nodes().get(10, TimeUnit.SECONDS)).hasSize(2);

        // A keeps reporting (every poll stands in for its report cycle), B has gone quiet
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            a.report(ControlPlanes.report("node-a", 1), Map.of()).get(10, TimeUnit.SECONDS);
            return a.nodes().get(10, TimeUnit.SECONDS).stream().map(NodeReport::id).toList().equals(List.of("node-a"));
        });
        assertThat(a.tenantLoad(tenant).get(10, TimeUnit.SECONDS)).extracting(TenantLoad::node).containsExactly("node-a");
        String nodesKey = redis.keyPrefix() + ":{~cluster}:nodes";
        String tenantKey = redis.keyPrefix() + ":{~cluster}:t:" + tenant;
        await().atMost(WAIT).until(() -> server.cli("HEXISTS", nodesKey, "node-b").equals("0")
                && server.cli("HEXISTS", tenantKey, "node-b").equals("0"));
        assertThat(Long.parseLong(server.cli("PTTL", tenantKey))).isGreaterThan(60_000);
        assertThat(Long.parseLong(server.cli("PTTL", nodesKey))).isPositive();
    }

    @Test
    void reportsThatDoNotParseAreSkippedAndANodeLeavesWhenItCloses() throws Exception {
        String nodesKey = redis.keyPrefix() + ":{~cluster}:nodes";
        server.cli("HSET", nodesKey, "intruder", "{not json");
        a.report(ControlPlanes.report("node-a", 1), Map.of()).get(10, TimeUnit.SECONDS);
        b.report(ControlPlanes.report("node-b", 1), Map.of()).get(10, TimeUnit.SECONDS);
        assertThat(a.nodes().get(10, TimeUnit.SECONDS)).extracting(NodeReport::id).containsExactlyInAnyOrder("node-a", "node-b");
        b.close();
        assertThat(a.nodes().get(10, TimeUnit.SECONDS)).extracting(NodeReport::id).containsExactly("node-a");
    }
}
