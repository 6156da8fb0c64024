package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void advantageIsAboveOneWhenWeAreBetterEitherWay() {
        Row oursRate = Row.of("r", "rate", 300, "msg/s", true, 0.5);
        Row peerRate = Row.of("r", "rate", 100, "msg/s", true, 0.5);
        assertThat(Report.advantage(oursRate, peerRate)).isEqualTo(3.0);
        Row oursCost = Row.of("c", "cpu", 5, "s", false, 0.5);
        Row peerCost = Row.of("c", "cpu", 15, "s", false, 0.5);
        assertThat(Report.advantage(oursCost, peerCost)).isEqualTo(3.0);
        assertThat(Report.advantage(oursCost, null)).isNaN();
    }

    @Test
    void theTablePairsFiguresByKeyAndKeepsThePeersExtraSteps() {
        List<Row> ours = List.of(Row.of("a", "delivered/s", 1000, "msg/s", true, 0.95).withNote("client-limited"));
        List<Row> peer = List.of(Row.of("a", "delivered/s", 500, "msg/s", true, 0.4), Row.of("b", "only peer", 1, "", true, 0.1));
        String t = Report.table("fanout", "rtgw", ours, "nchan", peer);
        assertThat(t).contains("2.00x").contains("client-limited").contains("only peer").contains("0.95");
    }

    @Test
    void cpuTicksAreReadAfterTheCommandName() {
        String stat = "1234 (java (odd) name) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 30";
        assertThat(Proc.parseCpuTicks(stat)).isEqualTo(300);
    }

    @Test
    void rowsOfSeveralRunsInOneColumnAreMarkedWithTheirRun() {
        Row r = Row.of("step0.redisCpuPerPub", "@200/s: Redis CPU per publication", 40, "µs", false, 0.3).withNote("n");
        Row p = r.prefixed("nodes2.", "2 nodes: ");
        assertThat(p.key()).isEqualTo("nodes2.step0.redisCpuPerPub");
        assertThat(p.label()).isEqualTo("2 nodes: @200/s: Redis CPU per publication");
        assertThat(p.value()).isEqualTo(40);
        assertThat(p.note()).isEqualTo("n");
        assertThat(Report.table("fanout", "rtgw", List.of(p), null, null)).contains("2 nodes: @200/s: Redis CPU per publication (µs)");
    }

    @Test
    void theSplitByThreadIsInTheNotesOfTheTableAndInThePartsOfTheJson() {
        Row ours = Row.of("step0.threadsPerPub", "@200/s: server CPU by thread per publication", 943, "µs", false, 0.3)
                .withNote("rtgw-io 812 u74%, lettuce 131 u60%")
                .withParts(new java.util.LinkedHashMap<>(java.util.Map.of("rtgw-io", 812.0, "lettuce", 131.0)));
        Row peer = Row.of("step0.threadsPerPub", "@200/s: server CPU by thread per publication", 500, "µs", false, 0.3)
                .withNote("nginx 400 u55%, Redis 100 u40%");
        String t = Report.table("fanout", "rtgw", List.of(ours), "nchan-redis", List.of(peer));
        assertThat(t).contains("@200/s: server CPU by thread per publication (µs)")
                .contains("rtgw-io 812 u74%, lettuce 131 u60%; peer: nginx 400 u55%, Redis 100 u40%").contains("0.53x");
        com.fasterxml.jackson.databind.JsonNode json = Report.json(java.util.Map.of(),
                java.util.Map.of("rtgw", List.of(ours, ours.summarised("sustained.threadsPerDelivery", "at that rate"))));
        com.fasterxml.jackson.databind.JsonNode row = json.path("servers").path("rtgw").path(0);
        assertThat(row.path("parts").path("rtgw-io").asDouble()).isEqualTo(812.0);
        assertThat(row.path("note").asText()).isEqualTo("rtgw-io 812 u74%, lettuce 131 u60%");
        assertThat(json.path("servers").path("rtgw").path(1).path("parts").path("lettuce").asDouble()).isEqualTo(131.0);
        assertThat(json.path("servers").path("rtgw").path(1).path("key").asText()).isEqualTo("sustained.threadsPerDelivery");
        assertThat(Report.json(java.util.Map.of(), java.util.Map.of("rtgw", List.of(Row.of("a", "b", 1, "", true, 0))))
                .path("servers").path("rtgw").path(0).has("parts")).isFalse();
    }
}
