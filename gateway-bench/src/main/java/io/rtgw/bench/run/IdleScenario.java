package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * N held connections: connect rate, and server memory per connection measured as
 * (RSS at N - RSS at 0) / N, each reading taken after a full GC (JVM) and a short settle.
 */
final class IdleScenario {
    /** Connections per worker opened and closed first, so JIT and class loading are not counted per connection. */
    static final int WARMUP_PER_WORKER = 300;

    static List<Row> run(RunContext r, double holdSeconds) throws Exception {
        r.workers.all("connect " + WARMUP_PER_WORKER);
        r.workers.all("drop");
        Thread.sleep(1000);
        r.server.settleMemory();
        long rss0 = Proc.rssBytes(r.server.pids());
        CpuMeter.Sample s0 = r.cpu.sample();
        List<JsonNode> answers = r.workers.all("connect");
        CpuMeter.Usage connect = r.cpu.since(s0);
        RunContext.requireConnected(answers, r.clients);
        long ready = Workers.sum(answers, "ready");
        double seconds = Workers.max(answers, "seconds");
        Thread.sleep((long) (holdSeconds * 1000));
        r.server.settleMemory();
        long rssN = Proc.rssBytes(r.server.pids());
        List<JsonNode> stats = r.workers.all("stats");
        double cc = connect.clientCores();
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("idle.connected", "connections held", ready, "", true, cc));
        rows.add(Row.of("idle.connectRate", "connect rate", ready / Math.max(seconds, 1e-9), "conn/s", true, cc)
                .withNote(r.limitNote(cc)));
        rows.add(Row.of("idle.connectServerCpu", "server CPU while connecting", connect.serverCores(), "cores", false, cc));
        rows.add(Row.of("idle.rss0", "server RSS at 0", rss0 / 1048576.0, "MiB", false, 0));
        rows.add(Row.of("idle.rssN", "server RSS at N", rssN / 1048576.0, "MiB", false, 0));
        rows.add(Row.of("idle.rssPerConn", "server RSS per connection", (rssN - rss0) / 1024.0 / Math.max(ready, 1), "KiB",
                false, 0));
        rows.add(Row.of("idle.closed", "connections lost while held", Workers.sum(stats, "unexpectedCloses"), "", false, 0));
        return rows;
    }
}
