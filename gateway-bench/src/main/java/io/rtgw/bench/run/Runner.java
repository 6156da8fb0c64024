package io.rtgw.bench.run;

import io.rtgw.bench.Json;
import io.rtgw.bench.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bench run: for rtgw, then the peer, start the server (and Redis when asked) pinned to the
 * server cores, start the load generators pinned to the client cores, run the scenario, stop
 * everything by PID; then print one table and write one JSON file. A watchdog ends the run after
 * {@code --max-seconds} whatever happens, and a shutdown hook stops every process it started.
 */
public final class Runner {
    public static final String USAGE = """
            usage: ./gateway bench <idle|fanout|broadcast|storm|jmh> [options]
              --peer nchan|floor      also run Nchan, or the floor (a bare Netty WebSocket fan-out in this
                                      module: no JSON, sessions, history; WebSocket only, no storm), same
                                      load, same pinning, and print ratios
              --floor-flush batch|request  how the floor flushes: the gateway's own batching, one pass per
                                      loop round, paced when saturated (default), or every subscriber
                                      at the end of each publish request (a send per subscriber per request)
              --store memory|redis|cluster  broker/store of both servers (default memory); cluster: 3 masters
                                      on this box (rtgw only); the floor has none whatever this says
              --nodes N|a,b,c         rtgw processes sharing the Redis store, connections split between
                                      them, all on the server cores (default 1); a list runs rtgw once per
                                      count (no peer then), rows marked "N nodes:"; Redis CPU per publication reported
              --n N                   connections (idle 19k; fanout, broadcast, storm 10k)
              --users U               distinct users, one token each (default 1: every client the same user)
              --presence              rtgw: presence on the bench namespace, and with --store redis
                                      connection events too (RTGW_EVENTS=redis); Redis cost per connection reported
              --events redis|off      events alone (redis, without --presence) or presence alone (--presence --events off)
              --hook                  rtgw twice: with tokens, then with session cookies its connect hook
                                      resolves (an app in its own process on the client cores, CPU reported
                                      apart); --users defaults to --n (docs/performance.md)
              --channels K            channels (fanout, storm 100; broadcast 1; idle 100)
              --mix ws:1,sse:1,poll:1 transport shares (idle, storm: all three; fanout, broadcast: ws)
              --duration S            seconds per rate step, or idle hold time (default 10)
              --waves auto|W          idle: connect waves after the fresh node's, each after all dropped;
                                      the first is the cold one, the last the warm one (auto, the default:
                                      until the JIT takes under 10 % of a wave's server CPU, at most 12)
              --profile-warm [JFC]    idle: one more wave after the warm one, recorded by JFR (via jcmd;
                                      the JDK's "profile" settings, or the .jfc file given) next to the logs
                                      as warm-<pid>.jfr (add -XX:+UnlockDiagnosticVMOptions
                                      -XX:+DebugNonSafepoints to --jvm-flags)
              --warmup S              fanout/broadcast: unreported publishing first, so the JIT is done (default 15)
              --rates a,b,c           publish rates to ramp through, msg/s (k suffix allowed)
              --rate R                storm publish rate, msg/s (default 1000)
              --down S                storm: seconds the clients stay away (default 2)
              --payload-bytes B       padding added to each message (default 0)
              --server-cpus 0         cores of the server (taskset list)
              --client-cpus 1         cores of the load generator
              --per-worker 18000      connections per load-generator process (20,000 open files max)
              --workers W             at least this many load-generator processes
              --threads T             event loops per load-generator process (default 1)
              --ws-auth header|subprotocol   how WebSocket clients send the token (default header)
              --jvm-flags "..."       the gateway's JVM flags (default: the Dockerfile's)
              --rtgw-env K=V,K=V      extra settings for the gateway's environment (e.g. RTGW_REDIS_IO=own),
                                      applied last; the bench clears every other RTGW_ variable
              --cds on|off            the gateway starts from a class-data archive of its jar's training,
                                      made once per jar and java, as the image does (default on)
              --max-seconds S         hard bound of the whole run (default 1800)
              --out DIR               where the JSON goes (default gateway-bench/target/bench-results)
            jmh: ./gateway bench jmh [JMH options]   (short defaults: -f 1 -wi 2 -w 1s -i 3 -r 1s)""";

    private static final List<String> KNOWN = List.of("peer", "store", "n", "channels", "mix", "duration", "warmup", "rates", "rate",
            "down", "payload-bytes", "server-cpus", "client-cpus", "per-worker", "workers", "threads", "ws-auth",
            "jvm-flags", "max-seconds", "out", "rtgw-jar", "bench-jar", "concurrency", "users", "presence", "events", "hook",
            "nodes", "cds", "rtgw-env", "floor-flush", "waves", "profile-warm");

    /** The name of the {@code --hook} run beside the plain (JWT) one. */
    static final String HOOK_RUN = "rtgw-hook";

    private Runner() {
    }

    public static int run(String scenario, Options o) throws Exception {
        o.rejectUnknown(KNOWN);
        Settings s = new Settings(scenario, o);
        startWatchdog(s.maxSeconds);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = s.out.resolve(scenario + "-" + stamp);
        Files.createDirectories(dir);
        System.err.println("bench: " + scenario + " " + s.describe() + "; logs in " + dir);
        if (s.presence && !s.redis) {
            System.err.println("bench: --presence with the embedded broker: presence only (connection events need --store redis)");
        }
        List<String> cds = s.cds ? CdsArchive.flags(s.rtgwJar, s.serverCpus, s.jvmFlags, dir) : List.of();
        String rtgwFlags = String.join(" ", s.jvmFlags, String.join(" ", cds)).trim();
        Map<String, List<Row>> results = new LinkedHashMap<>();
        if (s.nodes.length == 1) {
            results.put("rtgw", runOne(s, dir, "rtgw", s.nodes[0], rtgwFlags));
        } else {
            List<Row> rows = new ArrayList<>();
            for (int n : s.nodes) {
                runOne(s, dir, "rtgw", n, rtgwFlags)
                        .forEach(r -> rows.add(r.prefixed("nodes" + n + ".", n + (n == 1 ? " node: " : " nodes: "))));
            }
            results.put("rtgw", rows);
        }
        String other = s.hook ? HOOK_RUN : s.peerName();
        if (s.peer != null) {
            results.put(other, runOne(s, dir, s.peer, 1, rtgwFlags));
        } else if (s.hook) {
            results.put(other, runOne(s, dir, HOOK_RUN, s.nodes[0], rtgwFlags));
        }
        String title = scenario + " — " + s.describe() + (s.cds && cds.isEmpty() ? " (no class-data archive: see above)" : "");
        String table = Report.table(title, "rtgw", results.get("rtgw"), other, results.get(other));
        System.out.println(table);
        Path json = s.out.resolve(scenario + "-" + stamp + ".json");
        Map<String, String> settings = s.asMap();
        settings.put("rtgwJvmFlags", rtgwFlags);
        if (s.cds && cds.isEmpty()) {
            settings.put("cds", "on, but without an archive (the training failed or the flags cannot map it)");
        }
        Files.writeString(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Report.json(settings, results)));
        Files.writeString(dir.resolve("table.txt"), table);
        System.err.println("bench: results in " + json);
        return 0;
    }

    /** @param rtgwFlags the gateway's JVM flags: {@code --jvm-flags} and, with {@code --cds on}, the archive's */
    private static List<Row> runOne(Settings s, Path parent, String which, int nodes, String rtgwFlags) throws Exception {
        Path dir = parent.resolve(s.nodes.length > 1 ? which + "-nodes" + nodes : which);
        Files.createDirectories(dir);
        System.err.println("bench: " + which + ": starting");
        RedisStore redis = !s.redis || which.equals("floor") ? null
                : s.cluster ? new RedisClusterStore(dir, s.serverCpus, RedisClusterStore.MASTERS)
                : new RedisServer(dir, s.serverCpus);
        HookApp hookApp = which.equals(HOOK_RUN) ? HookApp.start(s.benchJar, dir, s.users, s.clientCpus) : null;
        Server server = switch (which) {
            case "rtgw", HOOK_RUN -> new RtgwServer(s.rtgwJar, s.serverCpus, rtgwFlags, rtgwEnv(s, redis), s.wsAuth,
                    s.presence, s.users, hookApp, nodes);
            case "floor" -> new FloorPeer(s.benchJar, s.serverCpus, s.jvmFlags, s.floorFlush);
            default -> new NchanServer(s.serverCpus, redis == null ? null : redis.hostPort());
        };
        try (AutoCloseable r = redis == null ? () -> { } : redis; AutoCloseable h = hookApp == null ? () -> { } : hookApp;
             Server srv = server) {
            srv.start(dir);
            List<String> args = new ArrayList<>(srv.workerArgs());
            args.addAll(List.of("--channels", Integer.toString(s.channels), "--mix", s.mix,
                    "--threads", Integer.toString(s.threads), "--sources", Integer.toString(s.sources()),
                    "--concurrency", Integer.toString(s.concurrency)));
            try (Workers workers = new Workers(s.benchJar, s.n, s.perWorker, s.minWorkers, args, s.clientCpus, dir)) {
                List<ThreadCpu.Watched> serverPids = new ArrayList<>();
                srv.pids().forEach(pid -> serverPids.add(new ThreadCpu.Watched(pid, srv.threadGroup())));
                if (redis != null) { // the store works for the server: its CPU counts
                    redis.pids().forEach(pid -> serverPids.add(new ThreadCpu.Watched(pid, ThreadGroups.REDIS)));
                }
                RunContext ctx = new RunContext(srv, workers, new CpuMeter(serverPids, workers.pids(),
                        hookApp == null ? List.of() : hookApp.pids()), s.n, s.channels,
                        s.clientCpuCount(), "x".repeat(s.payloadBytes), redis, dir,
                        which.startsWith("rtgw") && redis != null && s.events());
                System.err.println("bench: " + which + ": running " + s.scenario + " with " + s.n + " clients");
                return switch (s.scenario) {
                    case "idle" -> IdleScenario.run(ctx, s.duration, s.waves, s.profileSettings);
                    case "storm" -> StormScenario.run(ctx, s.rate, s.down, s.duration);
                    default -> RateScenario.run(ctx, s.rates, s.duration, s.warmup);
                };
            }
        } finally {
            System.err.println("bench: " + which + ": stopped");
        }
    }

    private static Map<String, String> rtgwEnv(Settings s, RedisStore redis) {
        Map<String, String> env = new HashMap<>();
        env.put("RTGW_HISTORY_SIZE", "1000"); // the replay depth Nchan gets (nchan_message_buffer_length)
        if (redis != null) {
            env.put("RTGW_REDIS_URL", redis.url());
            if (s.events()) {
                env.put("RTGW_EVENTS", "redis");
                env.put("RTGW_EVENTS_GRACE", IdleScenario.EVENTS_GRACE.toSeconds() + "s");
            }
        }
        env.putAll(s.rtgwEnv);
        return env;
    }

    private static void startWatchdog(int seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000L);
                System.err.println("bench: --max-seconds " + seconds + " reached; stopping everything");
                System.exit(3); // the shutdown hook in Proc stops every process started
            } catch (InterruptedException ignored) {
                // the run ended first
            }
        }, "bench-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
