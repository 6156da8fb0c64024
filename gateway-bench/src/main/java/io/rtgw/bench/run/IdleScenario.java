package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * N held connections: connect rate, and server memory per connection measured as
 * (RSS at N - RSS at 0) / N, each reading taken after a full GC (JVM) and a short settle.
 */
final class IdleScenario {
    /** Connections per worker opened and closed first, so JIT and class loading are not counted per connection. */
    static final int WARMUP_PER_WORKER = 300;
    /** The bench's {@code RTGW_EVENTS_GRACE}, so it knows when a drop's offline events are due. */
    static final Duration EVENTS_GRACE = Duration.ofSeconds(5);
    /** Below this the server counts as quiet (an idle node holding 15k connections uses ~0.01). */
    private static final double QUIET_CORES = 0.05;

    /** Waits {@code atLeast}, then until the server's CPU over a second falls below {@link #QUIET_CORES} (at most a minute). */
    static void settle(RunContext r, Duration atLeast) throws Exception {
        Thread.sleep(atLeast.toMillis());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            CpuMeter.Sample s = r.cpu.sample();
            Thread.sleep(1000);
            if (r.cpu.since(s).serverCores() < QUIET_CORES) {
                return;
            }
        }
        System.err.println("bench: the server did not become quiet within a minute after the drop");
    }

    /**
     * @param waves connect waves after the fresh node's: the first (cold, held for the RSS reading
     *              and dropped with the drop rows) keeps the {@code idle.} rows, the warm (last) one the
     *              {@code idle.warm.} rows, those between one row each, CPU per connection by thread ({@link #waveKey})
     * @param profileSettings JFR settings for one more wave after the warm one, recorded next to the
     *                        logs; null for none
     */
    static List<Row> run(RunContext r, double holdSeconds, WaveCount waves, String profileSettings) throws Exception {
        // A node's first minute (issue 17): its start, then its very first connections, where the
        // connect path's classes are loaded and the JIT has compiled none of it yet.
        List<Row> rows = new ArrayList<>(r.server.startRows("idle."));
        Wave fresh = Wave.connect(r, "connect " + WARMUP_PER_WORKER,
                Math.min(WARMUP_PER_WORKER * r.workers.pids().size(), r.clients));
        fresh.addRows(rows, r, "idle.fresh.", " (fresh node: first " + WARMUP_PER_WORKER + "/worker)");
        r.workers.all("drop");
        settle(r, r.eventsOn ? EVENTS_GRACE.plusSeconds(1) : Duration.ofSeconds(1)); // as between the waves below
        r.server.settleMemory();
        long rss0 = Proc.rssBytes(r.server.pids());
        Wave first = Wave.connect(r);
        rows.add(Row.of("idle.connected", "connections held", first.ready, "", true, first.clientCores));
        first.addRows(rows, r, waveKey(1, false), waveSuffix(1, false));
        Thread.sleep((long) (holdSeconds * 1000));
        r.server.settleMemory();
        long rssN = Proc.rssBytes(r.server.pids());
        List<JsonNode> stats = r.workers.all("stats");
        long closed = Workers.sum(stats, "unexpectedCloses");
        CpuMeter.Usage drop = null;
        // Later waves against the same, now warmer, server: a JVM compiles its connect path during
        // the first waves, on the server's only core (at 6,000 connections a wave C2 was still
        // busy in the fifth), so only a wave the compilers have left alone is a warm node's figure.
        for (int wave = 2; ; wave++) {
            CpuMeter.Usage dropped = dropAll(r);
            if (drop == null) {
                drop = dropped;
            }
            Wave w = Wave.connect(r);
            double jit = w.usage.threads().share(ThreadGroups.JIT);
            if (!waves.last(wave, jit)) {
                rows.add(w.usage.threads().row(waveKey(wave, false), "server CPU by thread per connection" + waveSuffix(wave, false),
                        w.ready, w.clientCores));
                continue;
            }
            w.addRows(rows, r, waveKey(wave, true), waveSuffix(wave, true));
            if (waves.auto() && jit >= WaveCount.QUIET_JIT) {
                System.err.println("bench: the JIT still took " + Math.round(jit * 100) + " % of the server's CPU in the last of "
                        + wave + " waves: more connections (--n) or --waves N for a warm figure");
            }
            break;
        }
        if (profileSettings != null) {
            // one more wave, recorded: JFR's own start compiles and allocates, so never in the figure above
            dropAll(r);
            r.server.startProfile(r.dir, "warm", profileSettings);
            Wave w = Wave.connect(r);
            r.server.stopProfile("warm");
            rows.add(w.usage.threads().row("idle.profiled.connectThreadsPerConn",
                    "server CPU by thread per connection (one more wave, under JFR)", w.ready, w.clientCores));
        }
        rows.add(Row.of("idle.dropCpuPerConn", "server CPU per disconnection (first wave's drop, until quiet)",
                drop.serverSeconds() * 1e6 / Math.max(first.ready, 1), "µs", false, 0));
        rows.add(drop.threads().row("idle.dropThreadsPerConn", "server CPU by thread per disconnection", first.ready, 0));
        drop.threads().write(r.dir, "idle.drop");
        rows.add(Row.of("idle.rss0", "server RSS at 0", rss0 / 1048576.0, "MiB", false, 0));
        rows.add(Row.of("idle.rssN", "server RSS at N", rssN / 1048576.0, "MiB", false, 0));
        rows.add(Row.of("idle.rssPerConn", "server RSS per connection", (rssN - rss0) / 1024.0 / Math.max(first.ready, 1), "KiB",
                false, 0));
        rows.add(Row.of("idle.closed", "connections lost while held", closed, "", false, 0));
        return rows;
    }

    /** Everybody drops, then the server's work on it is waited out; what that cost. */
    private static CpuMeter.Usage dropAll(RunContext r) throws Exception {
        CpuMeter.Sample beforeDrop = r.cpu.sample();
        r.workers.all("drop");
        // The drop's work (closes, presence leaves, and after the events grace the offline events)
        // must be over before the next wave is timed, or it is counted against that wave's connects.
        settle(r, r.eventsOn ? EVENTS_GRACE.plusSeconds(2) : Duration.ofSeconds(2));
        return r.cpu.since(beforeDrop);
    }

    /** Row keys of connect wave {@code wave}: the first and the warm (last) one keep the keys docs and tests name. */
    static String waveKey(int wave, boolean last) {
        return wave == 1 ? "idle." : last ? "idle.warm." : "idle.wave" + wave + ".";
    }

    static String waveSuffix(int wave, boolean last) {
        return wave == 1 ? "" : last ? " (wave " + wave + ", warm)" : " (wave " + wave + ")";
    }

    /**
     * {@code --waves}: how many connect waves after the fresh node's. {@code auto} (0 here) goes on
     * until the JIT compiler threads took under {@link #QUIET_JIT} of a wave's server CPU, at most
     * {@link #MAX_AUTO} waves; a peer without a JIT (Nchan) is warm at its second wave.
     */
    record WaveCount(int fixed) {
        static final double QUIET_JIT = 0.10;
        static final int MAX_AUTO = 12;

        static WaveCount parse(String text) {
            if (text.equals("auto")) {
                return new WaveCount(0);
            }
            int n;
            try {
                n = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 2) {
                throw new IllegalArgumentException("--waves: auto, or at least 2 (a cold wave, then a warm one), got '" + text + "'");
            }
            return new WaveCount(n);
        }

        boolean auto() {
            return fixed == 0;
        }

        /** Whether wave {@code wave} (2 or later), whose JIT threads took {@code jitShare} of its CPU, is the warm one. */
        boolean last(int wave, double jitShare) {
            return auto() ? jitShare < QUIET_JIT || wave >= MAX_AUTO : wave >= fixed;
        }

        @Override
        public String toString() {
            return auto() ? "auto" : Integer.toString(fixed);
        }
    }

    /** All clients connecting at once: how fast they got ready, and what it cost the server. */
    record Wave(long ready, double seconds, double serverCores, double serverSeconds, double clientCores, RedisCost redis,
                CpuMeter.Usage usage) {
        static Wave connect(RunContext r) throws Exception {
            return connect(r, "connect", r.clients);
        }

        /** {@code command}: the workers' {@code connect} for all their clients, or {@code connect N} for their first N. */
        static Wave connect(RunContext r, String command, int expected) throws Exception {
            RedisCost redis = RedisCost.start(r);
            CpuMeter.Sample s0 = r.cpu.sample();
            List<JsonNode> answers = r.workers.all(command);
            CpuMeter.Usage u = r.cpu.since(s0);
            RunContext.requireConnected(answers, expected);
            return new Wave(Workers.sum(answers, "ready"), Workers.max(answers, "seconds"), u.serverCores(),
                    u.serverSeconds(), u.clientCores(), redis, u);
        }

        /** The rows of the wave; Redis is read again here, so call it right after {@link #connect}. */
        void addRows(List<Row> rows, RunContext r, String key, String suffix) throws Exception {
            rows.add(Row.of(key + "connectRate", "connect rate" + suffix, ready / Math.max(seconds, 1e-9), "conn/s", true,
                    clientCores).withNote(r.limitNote(clientCores)));
            rows.add(Row.of(key + "connectServerCpu", "server CPU while connecting" + suffix, serverCores, "cores", false,
                    clientCores));
            rows.add(Row.of(key + "connectCpuPerConn", "server CPU per connection" + suffix, serverSeconds * 1e6 / Math.max(ready, 1),
                    "µs", false, clientCores));
            rows.add(usage.threads().row(key + "connectThreadsPerConn", "server CPU by thread per connection" + suffix, ready,
                    clientCores));
            usage.threads().write(r.dir, key + "connect");
            redis.addRows(rows, key, suffix, ready, clientCores);
            if (r.cpu.measuresHookApp()) {
                // The app's side of each connect-hook question, apart from the gateway's figure above.
                rows.add(Row.of(key + "hookAppCpu", "hook app CPU while connecting" + suffix, usage.hookAppCores(), "cores",
                        false, clientCores));
                rows.add(Row.of(key + "hookAppCpuPerConn", "hook app CPU per connection" + suffix,
                        usage.hookAppSeconds() * 1e6 / Math.max(ready, 1), "µs", false, clientCores));
            }
        }
    }
}
