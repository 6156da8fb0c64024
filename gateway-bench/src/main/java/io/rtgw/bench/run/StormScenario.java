package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every client drops at once and comes back from its own position (WebSocket: last id; SSE:
 * Last-Event-ID; long-poll: cursor) while publishing goes on. Reports how long the reconnect and
 * the catch-up to the head at reconnect time took, and checks the whole run for loss and
 * duplicates per client (sequence numbers per channel must arrive exactly once, in order).
 */
final class StormScenario {
    static List<Row> run(RunContext r, double rate, double downSeconds, double afterSeconds) throws Exception {
        // The first connect is a clean wave (nothing published yet): its rate and Redis cost per connection.
        IdleScenario.Wave first = IdleScenario.Wave.connect(r);
        List<Row> rows = new ArrayList<>();
        first.addRows(rows, r, "storm.", " (first connect)");
        Thread.sleep(1000);
        try (Publisher pub = r.server.publisher(r.channels, r.padding)) {
            Thread publishing = new Thread(() -> pub.run(rate, 0, 3600), "bench-publisher");
            publishing.setDaemon(true);
            publishing.start();
            Thread.sleep(3000);
            RedisCost redis = RedisCost.start(r);
            CpuMeter.Sample s0 = r.cpu.sample();
            r.workers.all("drop");
            Thread.sleep((long) (downSeconds * 1000));
            String targets = csv(pub.heads());
            List<JsonNode> resumed = r.workers.all("resume " + targets);
            CpuMeter.Usage u = r.cpu.since(s0);
            double cc = u.clientCores();
            long back = Workers.sum(resumed, "ready");
            // drop + away + resume, publishing included (the same in every run at the same --rate)
            redis.addRows(rows, "storm.resume.", " (drop, away, resume)", back, cc);
            rows.add(u.threads().row("storm.resume.threadsPerConn", "server CPU by thread per client back (drop, away, resume)",
                    back, cc));
            u.threads().write(r.dir, "storm.resume");
            Thread.sleep((long) (afterSeconds * 1000));
            pub.stop();
            publishing.join(10_000);
            pub.awaitIdle(Duration.ofSeconds(10));
            Thread.sleep(2000);
            List<JsonNode> verified = r.workers.all("verify " + csv(pub.heads()));
            long holes = Workers.sum(verified, "holes");
            long missing = Workers.sum(verified, "missingAtEnd");
            long dups = Workers.sum(verified, "duplicates");
            long gaps = Workers.sum(verified, "gapNotices");
            rows.add(Row.of("storm.clients", "clients dropped and resumed", back, "", true, cc)
                    .withNote(back < r.clients ? (r.clients - back) + " did not come back" : ""));
            rows.add(Row.of("storm.reconnect", "reconnect time (all clients)", Workers.max(resumed, "seconds"), "s", false, cc)
                    .withNote(r.limitNote(cc)));
            rows.add(Row.of("storm.reconnectRate", "reconnect rate", back / Math.max(Workers.max(resumed, "seconds"), 1e-9),
                    "conn/s", true, cc).withNote(r.limitNote(cc)));
            rows.add(Row.of("storm.catchUp", "catch-up time to the head at reconnect", Workers.max(resumed, "catchUpSeconds"),
                    "s", false, cc).withNote(Workers.sum(resumed, "caughtUp") < r.clients ? "not all caught up" : ""));
            rows.add(Row.of("storm.serverCpu", "server CPU during the storm", u.serverSeconds(), "s", false, cc));
            // apart, because they mean different things: a hole breaks the contract, missing at the
            // end may be a client still catching up when the check ran
            rows.add(Row.of("storm.lost", "messages lost (holes + missing at end)", holes + missing, "msgs", false, cc)
                    .withNote(holes + missing == 0 ? "" : holes + " in holes, " + missing + " missing at the end ("
                            + Workers.sum(verified, "clientsBehind") + " clients behind" + behindWhere(verified) + ")"));
            rows.add(Row.of("storm.dups", "duplicates", dups, "msgs", false, cc));
            rows.add(Row.of("storm.gaps", "gap notices", gaps, "", false, cc));
            rows.add(Row.of("storm.verdict", "zero loss and zero duplicates", holes + missing + dups + gaps == 0 ? 1 : 0,
                    "1=yes", true, cc));
        }
        return rows;
    }

    /** ": ws 7, sse 7 on channels 12" — which transports and channels the clients behind were on. */
    static String behindWhere(List<JsonNode> verified) {
        StringBuilder b = new StringBuilder();
        for (String t : List.of("ws", "sse", "poll")) {
            long n = Workers.sum(verified, "behind." + t);
            if (n > 0) {
                b.append(b.length() == 0 ? ": " : ", ").append(t).append(' ').append(n);
            }
        }
        java.util.Set<String> channels = new java.util.TreeSet<>();
        for (JsonNode v : verified) {
            String list = v.path("behindChannels").asText("");
            if (!list.isEmpty()) {
                channels.addAll(List.of(list.split(",")));
            }
        }
        if (!channels.isEmpty()) {
            b.append(" on channels ").append(String.join(" ", channels.stream().limit(20).toList()));
        }
        return b.toString();
    }

    static String csv(long[] values) {
        StringBuilder b = new StringBuilder();
        for (long v : values) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }
}
