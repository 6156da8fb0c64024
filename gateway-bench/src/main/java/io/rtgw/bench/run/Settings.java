package io.rtgw.bench.run;

import io.rtgw.bench.Options;
import io.rtgw.bench.floor.FlushPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options of a run with the sizes as defaults (so the bare command is the full run). */
final class Settings {
    final String scenario;
    final String peer;
    /** A Redis store: one redis-server ({@code --store redis}) or a Cluster ({@code --store cluster}). */
    final boolean redis;
    final boolean cluster;
    /**
     * Gateway processes sharing the Redis store, the connections split between them; a list
     * ({@code --nodes 1,2,3}) runs rtgw once per count, its rows labelled with the count.
     */
    final int[] nodes;
    /** Presence on the bench namespace, and with the Redis store connection events too (issue 15). */
    final boolean presence;
    final int users;
    /**
     * Measure the connect hook against the JWT (docs/protocol.md §11): the run is made twice, with
     * tokens and with session cookies that the gateway's connect hook resolves.
     */
    final boolean hook;
    /**
     * Connection events: on with {@code --presence} unless {@code --events off}; {@code --events redis}
     * alone turns them on without presence (the two costs told apart). Redis store only.
     */
    private final boolean eventsWanted;
    final int n;
    final int channels;
    final String mix;
    final double duration;
    final double warmup;
    /**
     * Idle: connect waves after the fresh node's. At 6,000 connections C2 still compiles the connect
     * path in the fifth wave, so by default they go on until the JIT is nearly quiet.
     */
    final IdleScenario.WaveCount waves;
    /**
     * Idle: one more wave after the warm one, recorded with JFR (started and stopped by the bench)
     * with these settings (a JDK name or a .jfc file), or null for none.
     */
    final String profileSettings;
    final long[] rates;
    final double rate;
    final double down;
    final int payloadBytes;
    final String serverCpus;
    final String clientCpus;
    final int perWorker;
    final int minWorkers;
    final int threads;
    final int concurrency;
    final String wsAuth;
    final String jvmFlags;
    /** {@code --floor-flush}: how the floor flushes its subscribers (the gateway's batching, or per request). */
    final FlushPolicy floorFlush;
    /** {@code --rtgw-env K=V,…}: settings compared in one bench build, e.g. {@code RTGW_REDIS_IO=own}. */
    final java.util.Map<String, String> rtgwEnv = new java.util.LinkedHashMap<>();
    /** The gateway starts from a class-data archive made by its jar's training, as the image does (issue 17). */
    final boolean cds;
    final int maxSeconds;
    final Path out;
    final Path rtgwJar;
    final Path benchJar;

    Settings(String scenario, Options o) throws Exception {
        this.scenario = scenario;
        String p = o.get("peer", "none");
        if (!List.of("none", "nchan", "floor").contains(p)) {
            throw new IllegalArgumentException("--peer: nchan or floor");
        }
        peer = p.equals("none") ? null : p;
        String store = o.get("store", "memory");
        if (!List.of("memory", "redis", "cluster").contains(store)) {
            throw new IllegalArgumentException("--store: memory, redis or cluster");
        }
        redis = !store.equals("memory");
        cluster = store.equals("cluster");
        if (cluster && "nchan".equals(peer)) {
            throw new IllegalArgumentException("--store cluster: the bench's Nchan config has one Redis upstream; compare with --store redis");
        }
        long[] counts = o.getCounts("nodes", "1");
        nodes = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            nodes[i] = (int) counts[i];
            if (nodes[i] < 1 || (nodes[i] > 1 && !redis)) {
                throw new IllegalArgumentException("--nodes: 1, or more with --store redis|cluster (the embedded broker is one node)");
            }
        }
        if (nodes.length > 1 && peer != null) {
            throw new IllegalArgumentException("--nodes: a list runs rtgw once per count; compare with a peer at one count");
        }
        n = o.getInt("n", scenario.equals("idle") ? 19_000 : 10_000);
        presence = o.flag("presence");
        hook = o.flag("hook");
        if (hook && !p.equals("none")) {
            throw new IllegalArgumentException("--hook compares rtgw with itself: leave out --peer");
        }
        // A session per client by default with --hook, and then a token per client too: the JWT run
        // must not be answered from the gateway's cache of verified tokens while the hook run asks
        // the app for every connection.
        users = o.getInt("users", hook ? n : 1);
        String ev = o.get("events", presence ? "redis" : "off");
        if (!ev.equals("redis") && !ev.equals("off")) {
            throw new IllegalArgumentException("--events: redis or off");
        }
        eventsWanted = ev.equals("redis");
        if (users < 1 || users > n) {
            throw new IllegalArgumentException("--users: between 1 and --n (" + n + ")");
        }
        channels = o.getInt("channels", scenario.equals("broadcast") ? 1 : 100);
        boolean floor = floor();
        mix = o.get("mix", !floor && (scenario.equals("idle") || scenario.equals("storm")) ? "ws:1,sse:1,poll:1" : "ws");
        if (floor && scenario.equals("storm")) {
            throw new IllegalArgumentException("--peer floor: the floor keeps no history, so the storm has nothing to resume");
        }
        if (!io.rtgw.bench.load.Mix.parse(mix).onlyWebSocket() && floor) {
            throw new IllegalArgumentException("--peer floor: WebSocket only (--mix ws); the floor serves no SSE or long-poll");
        }
        duration = o.getDouble("duration", 10);
        warmup = o.getDouble("warmup", 15);
        waves = IdleScenario.WaveCount.parse(o.get("waves", "auto"));
        String jfc = o.get("profile-warm", null);
        profileSettings = jfc == null ? null : jfc.equals("true") ? "profile" : jfc;
        rates = o.getCounts("rates", scenario.equals("broadcast") ? "1,2,5,8,10,12,15,20,30,50,100"
                : "100,200,500,1k,2k,5k,10k,20k,50k,100k");
        rate = o.getDouble("rate", 1000);
        down = o.getDouble("down", 2);
        payloadBytes = o.getInt("payload-bytes", 0);
        serverCpus = o.get("server-cpus", "0");
        clientCpus = o.get("client-cpus", "1");
        perWorker = Math.min(o.getInt("per-worker", 18_000), 19_000);
        minWorkers = o.getInt("workers", 1);
        threads = o.getInt("threads", 1);
        concurrency = o.getInt("concurrency", 256);
        wsAuth = o.get("ws-auth", "header");
        jvmFlags = o.get("jvm-flags", RtgwServer.DEFAULT_JVM_FLAGS);
        floorFlush = FlushPolicy.parse(o.get("floor-flush", FlushPolicy.BATCH.label()));
        for (String pair : o.get("rtgw-env", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.startsWith("RTGW_")) {
                throw new IllegalArgumentException("--rtgw-env: RTGW_NAME=value[,…], got '" + pair + "'");
            }
            rtgwEnv.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        String c = o.get("cds", "on");
        if (!c.equals("on") && !c.equals("off")) {
            throw new IllegalArgumentException("--cds: on or off");
        }
        cds = c.equals("on");
        maxSeconds = o.getInt("max-seconds", 1800);
        out = Path.of(o.get("out", "gateway-bench/target/bench-results")).toAbsolutePath();
        Path self = Path.of(Settings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        benchJar = Path.of(o.get("bench-jar", self.toString()));
        rtgwJar = Path.of(o.get("rtgw-jar", "gateway-server/target/rtgw.jar")).toAbsolutePath();
    }

    /** The peer's column: Nchan with the same store as rtgw; the floor never has one. */
    String peerName() {
        if (peer == null || peer.equals("floor")) {
            return peer;
        }
        return redis ? peer + "-" + storeName() : peer;
    }

    boolean floor() {
        return "floor".equals(peer);
    }

    String nodesText() {
        return java.util.Arrays.stream(nodes).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    String storeName() {
        return cluster ? "cluster" : redis ? "redis" : "memory";
    }

    /** One source address per 20k connections is enough; a few more cost nothing. */
    int sources() {
        return Math.max(4, n / 20_000 + 2);
    }

    int clientCpuCount() {
        int count = 0;
        for (String part : clientCpus.split(",")) {
            String[] range = part.split("-");
            count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
        }
        return count;
    }

    /** With the embedded broker there is no event stream: presence alone is measured then. */
    boolean events() {
        return redis && eventsWanted;
    }

    String describe() {
        return "n=" + n + " channels=" + channels + " mix=" + mix + " store=" + storeName()
                + (nodes.length > 1 || nodes[0] > 1 ? " nodes=" + nodesText() : "")
                + " users=" + users + (hook ? " hook=connect" : "") + " presence=" + (presence ? "on" : "off") + " events=" + (events() ? "redis" : "off")
                + (floor() ? " floor-flush=" + floorFlush.label() : "")
                + " cds=" + (cds ? "on" : "off") + " server-cpus=" + serverCpus + " client-cpus=" + clientCpus;
    }

    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("peer", peer == null ? "none" : peer);
        m.put("store", storeName());
        m.put("nodes", nodesText());
        m.put("n", Integer.toString(n));
        m.put("users", Integer.toString(users));
        m.put("hook", Boolean.toString(hook));
        m.put("presence", Boolean.toString(presence));
        m.put("events", events() ? "redis" : "off");
        m.put("channels", Integer.toString(channels));
        m.put("mix", mix);
        m.put("duration", Double.toString(duration));
        m.put("warmup", Double.toString(warmup));
        m.put("waves", waves.toString());
        m.put("rates", java.util.Arrays.toString(rates));
        m.put("stormRate", Double.toString(rate));
        m.put("payloadBytes", Integer.toString(payloadBytes));
        m.put("serverCpus", serverCpus);
        m.put("clientCpus", clientCpus);
        m.put("jvmFlags", jvmFlags);
        if (floor()) {
            m.put("floorFlush", floorFlush.label());
        }
        m.put("rtgwEnv", rtgwEnv.toString());
        m.put("cds", cds ? "on" : "off");
        m.put("machine", Machine.describe());
        return m;
    }
}
