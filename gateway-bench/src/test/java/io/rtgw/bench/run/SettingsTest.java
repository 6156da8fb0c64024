package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.bench.Options;
import io.rtgw.bench.floor.FlushPolicy;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void theFloorIsAPeerColumnWithoutAStoreAndWebSocketOnly() throws Exception {
        Settings s = new Settings("fanout", Options.parse("--peer", "floor", "--store", "redis"));
        assertThat(s.peerName()).isEqualTo("floor");
        assertThat(s.redis).isTrue();
        Settings idle = new Settings("idle", Options.parse("--peer", "floor"));
        assertThat(idle.mix).isEqualTo("ws");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--peer", "floor", "--mix", "ws:1,sse:1")))
                .hasMessageContaining("WebSocket only");
        assertThatThrownBy(() -> new Settings("storm", Options.parse("--peer", "floor")))
                .hasMessageContaining("no history");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--peer", "ably")))
                .hasMessageContaining("nchan or floor");
    }

    @Test
    void theFloorFlushesAsTheGatewayDoesUnlessAskedToFlushPerRequest() throws Exception {
        Settings batched = new Settings("fanout", Options.parse("--peer", "floor"));
        assertThat(batched.floorFlush).isEqualTo(FlushPolicy.BATCH);
        assertThat(batched.describe()).contains("floor-flush=batch");
        Settings perRequest = new Settings("fanout", Options.parse("--peer", "floor", "--floor-flush", "request"));
        assertThat(perRequest.asMap()).containsEntry("floorFlush", "request");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--peer", "floor", "--floor-flush", "never")))
                .hasMessageContaining("batch or request");
    }

    @Test
    void theGatewayStartsFromAClassDataArchiveAsTheImageDoesUnlessAskedNotTo() throws Exception {
        Settings defaults = new Settings("idle", Options.parse());
        assertThat(defaults.cds).isTrue();
        assertThat(defaults.describe()).contains("cds=on");
        Settings off = new Settings("idle", Options.parse("--cds", "off"));
        assertThat(off.cds).isFalse();
        assertThat(off.asMap()).containsEntry("cds", "off");
        assertThatThrownBy(() -> new Settings("idle", Options.parse("--cds", "yes"))).hasMessageContaining("on or off");
    }

    @Test
    void nchanKeepsItsStoreInItsColumnName() throws Exception {
        assertThat(new Settings("fanout", Options.parse("--peer", "nchan")).peerName()).isEqualTo("nchan");
        assertThat(new Settings("fanout", Options.parse("--peer", "nchan", "--store", "redis")).peerName()).isEqualTo("nchan-redis");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--peer", "nchan", "--store", "cluster")))
                .hasMessageContaining("--store cluster");
    }

    @Test
    void aClusterIsARedisStoreAndSaysSo() throws Exception {
        Settings s = new Settings("broadcast", Options.parse("--store", "cluster", "--nodes", "3"));
        assertThat(s.redis).isTrue();
        assertThat(s.cluster).isTrue();
        assertThat(s.nodes).containsExactly(3);
        assertThat(s.describe()).contains("store=cluster", "nodes=3");
        assertThat(s.asMap()).containsEntry("store", "cluster").containsEntry("nodes", "3");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--store", "disk")))
                .hasMessageContaining("memory, redis or cluster");
    }

    @Test
    void severalNodesNeedAStoreTheyShare() throws Exception {
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--nodes", "2")))
                .hasMessageContaining("--nodes");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--store", "redis", "--nodes", "0")))
                .hasMessageContaining("--nodes");
        assertThat(new Settings("fanout", Options.parse()).nodes).containsExactly(1);
        assertThat(new Settings("fanout", Options.parse()).describe()).doesNotContain("nodes");
    }

    @Test
    void aListOfNodeCountsRunsRtgwOncePerCountWithoutAPeer() throws Exception {
        Settings s = new Settings("fanout", Options.parse("--store", "redis", "--nodes", "1,2,4"));
        assertThat(s.nodes).containsExactly(1, 2, 4);
        assertThat(s.describe()).contains("nodes=1,2,4");
        assertThatThrownBy(() -> new Settings("fanout", Options.parse("--store", "redis", "--nodes", "1,2", "--peer", "nchan")))
                .hasMessageContaining("one count");
    }
}
