package io.rtgw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    @Test
    void threeMastersCoverAllSlots(RedisCluster cluster) {
        assertThat(cluster.nodes()).hasSize(3);
        assertThat(cluster.cli("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_slots_assigned:16384");
        assertThat(cluster.seedUri()).startsWith("redis://127.0.0.1:").contains(",");
        for (int i = 0; i < 10; i++) {
            cluster.cli("SET", "k" + i, "v");
        }
        assertThat(cluster.cli("GET", "k7")).isEqualTo("v");
    }
}
