package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * fanout (N over K channels) and broadcast (K = 1): the publisher ramps through rates, one step
 * each; per step delivered/s, loss against what the server acknowledged, latency percentiles,
 * server CPU seconds per million deliveries. Two figures come out of the ramp: the highest rate
 * that met the latency bar (p99 under 100 ms, nothing lost), and the peak delivered/s of any step
 * that kept up (nothing lost or late, nobody disconnected, p99 under a second, so no backlog
 * piled up) — the server's throughput. The ramp stops after the first step that did not keep up.
 */
final class RateScenario {
    static final double P99_LIMIT_MS = 100;
    /** Past this a step's backlog grows faster than it drains: the server did not keep up. */
    static final double KEPT_UP_P99_MS = 1000;
    /** The step number the warm-up publishes under, apart from the reported ones. */
    static final int WARMUP_STEP = io.rtgw.bench.load.Stats.MAX_STEPS - 1;

    /** Deliveries per second the warm-up aims at, or the first step's rate when that is more. */
    static final long WARMUP_DELIVERIES = 20_000;

    static long warmupRate(long firstRate, RunContext r) {
        long subscribersPerChannel = Math.max(1, r.clients / Math.max(1, r.channels));
        return Math.max(firstRate, (WARMUP_DELIVERIES + subscribersPerChannel - 1) / subscribersPerChannel);
    }

    /** A step's figure repeated in the ramp's summary; no value when no step qualified. */
    private static Row summary(Row step, String key, String label) {
        return step == null ? Row.of(key, label, Double.NaN, "µs", false, Double.NaN) : step.summarised(key, label);
    }

    static List<Row> run(RunContext r, long[] rates, double stepSeconds, double warmupSeconds) throws Exception {
        List<Row> rows = new ArrayList<>();
        List<JsonNode> connected = r.workers.all("connect");
        RunContext.requireConnected(connected, r.clients);
        Thread.sleep(1000); // let subscriptions settle before the first message
        double bestRate = 0;
        double bestCpuPerM = Double.NaN;
        double bestDelivered = 0;
        double peakDelivered = 0;
        double peakRate = 0;
        double peakP99 = Double.NaN;
        double peakCpuPerM = Double.NaN;
        Row bestThreads = null;
        Row peakThreads = null;
        boolean latencyMissed = false;
        long closedBefore = 0;
        try (Publisher pub = r.server.publisher(r.channels, r.padding)) {
            // A step that is not reported: JIT compilation, connection pools and first-use costs
            // on both sides would otherwise land in the first steps. The JVM compiles by call
            // counts, so the warm-up offers enough deliveries even where the first rate is low.
            if (warmupSeconds > 0) {
                pub.run(warmupRate(rates[0], r), WARMUP_STEP, warmupSeconds);
            }
            pub.awaitIdle(Duration.ofSeconds(10));
            Thread.sleep(1000);
            for (int step = 0; step < rates.length && step < WARMUP_STEP; step++) {
                long rate = rates[step];
                r.workers.all("stats"); // starts a new latency interval
                RedisCost redis = RedisCost.start(r);
                CpuMeter.Sample s0 = r.cpu.sample();
                long offered = pub.run(rate, step, stepSeconds);
                CpuMeter.Usage u = r.cpu.since(s0);
                pub.awaitIdle(Duration.ofSeconds(10));
                Thread.sleep(1000); // deliveries of the step's last messages
                List<JsonNode> stats = r.workers.all("stats");
                long delivered = 0;
                for (JsonNode s : stats) {
                    delivered += s.path("perStep").path(step).asLong();
                }
                long expected = 0;
                long publications = 0;
                for (int c = 0; c < r.channels; c++) {
                    expected += pub.ackedInStep(step, c) * r.subscribers(c);
                    publications += pub.ackedInStep(step, c);
                }
                long lost = Math.max(0, expected - delivered);
                long closed = Workers.sum(stats, "unexpectedCloses");
                Histogram h = RunContext.merged(stats);
                double p99 = h.getValueAtPercentile(99) / 1000.0;
                double perSec = delivered / stepSeconds;
                double cpuPerM = delivered == 0 ? Double.NaN : u.serverSeconds() / (delivered / 1e6);
                double cc = u.clientCores();
                String k = "step" + step + ".";
                String at = "@" + rate + "/s: ";
                String note = r.limitNote(cc);
                if (offered < rate * stepSeconds * 0.95 - 1) { // the schedule may end one message early
                    note = (note.isEmpty() ? "" : note + ", ") + "publisher-limited (" + offered + " sent)";
                }
                rows.add(Row.of(k + "delivered", at + "delivered/s", perSec, "msg/s", true, cc).withNote(note));
                rows.add(Row.of(k + "lost", at + "lost", lost, "msgs", false, cc)
                        .withNote(closed > closedBefore ? (closed - closedBefore) + " clients disconnected" : ""));
                rows.add(Row.of(k + "dups", at + "duplicates", Workers.sum(stats, "duplicates"), "msgs", false, cc));
                rows.add(Row.of(k + "p50", at + "latency p50", h.getValueAtPercentile(50) / 1000.0, "ms", false, cc));
                rows.add(Row.of(k + "p99", at + "latency p99", p99, "ms", false, cc));
                rows.add(Row.of(k + "p999", at + "latency p99.9", h.getValueAtPercentile(99.9) / 1000.0, "ms", false, cc));
                rows.add(Row.of(k + "max", at + "latency max", h.getMaxValue() / 1000.0, "ms", false, cc));
                rows.add(Row.of(k + "serverCores", at + "server CPU", u.serverCores(), "cores", false, cc));
                rows.add(Row.of(k + "cpuPerM", at + "server CPU s / 1M deliveries", cpuPerM, "s", false, cc));
                // the same stretch as the CPU figures above, split by thread group
                Row threadsPerDelivery = u.threads().row(k + "threadsPerDelivery", at + "server CPU by thread per delivery",
                        delivered, cc);
                rows.add(u.threads().row(k + "threadsPerPub", at + "server CPU by thread per publication", publications, cc));
                rows.add(threadsPerDelivery);
                u.threads().write(r.dir, "step" + step);
                redis.addPublishRows(rows, k, at, publications, delivered, cc);
                boolean keptUp = lost == 0 && closed == closedBefore && delivered > 0 && p99 < KEPT_UP_P99_MS;
                closedBefore = closed;
                System.err.printf("bench:   step %d: %d msg/s offered, %.0f delivered/s, lost %d, p99 %.1f ms, server %.2f cores, client %.2f cores%n",
                        step, rate, perSec, lost, p99, u.serverCores(), cc);
                if (!keptUp) {
                    break;
                }
                latencyMissed |= p99 >= P99_LIMIT_MS;
                if (!latencyMissed) {
                    bestRate = rate;
                    bestCpuPerM = cpuPerM;
                    bestDelivered = perSec;
                    bestThreads = threadsPerDelivery;
                }
                if (perSec > peakDelivered) {
                    peakDelivered = perSec;
                    peakRate = rate;
                    peakP99 = p99;
                    peakCpuPerM = cpuPerM;
                    peakThreads = threadsPerDelivery;
                }
            }
        }
        rows.addAll(0, List.of(
                Row.of("sustained.rate", "highest publish rate with p99 < 100 ms, no loss", bestRate, "msg/s", true, Double.NaN),
                Row.of("sustained.delivered", "delivered/s at that rate", bestDelivered, "msg/s", true, Double.NaN),
                Row.of("sustained.cpuPerM", "server CPU s / 1M deliveries at that rate", bestCpuPerM, "s", false, Double.NaN),
                summary(bestThreads, "sustained.threadsPerDelivery", "server CPU by thread per delivery at that rate"),
                Row.of("peak.delivered", "peak delivered/s, nothing lost, p99 < 1 s", peakDelivered, "msg/s", true, Double.NaN),
                Row.of("peak.rate", "publish rate of that step", peakRate, "msg/s", true, Double.NaN),
                Row.of("peak.p99", "latency p99 at that step", peakP99, "ms", false, Double.NaN),
                Row.of("peak.cpuPerM", "server CPU s / 1M deliveries at that step", peakCpuPerM, "s", false, Double.NaN),
                summary(peakThreads, "peak.threadsPerDelivery", "server CPU by thread per delivery at that step")));
        return rows;
    }
}
