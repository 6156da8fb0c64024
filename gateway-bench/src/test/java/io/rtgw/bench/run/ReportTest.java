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
}
