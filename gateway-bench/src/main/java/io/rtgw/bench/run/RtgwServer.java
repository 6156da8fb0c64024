package io.rtgw.bench.run;

import io.rtgw.auth.DevTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gateway jar as the Dockerfile runs it: fixed heap, G1, no pre-touch, ports picked by the
 * OS and read back from the "rtgw listening" log line. The personal channel is off so every
 * connection holds exactly one subscription, as a Nchan subscriber does. With {@code --nodes N},
 * N such processes share the Redis store, one secret and one API key.
 */
final class RtgwServer implements Server {
    /** The JVM flags of the container image (fixed heap instead of its MaxRAMPercentage); keep in step with the Dockerfile. */
    static final String DEFAULT_JVM_FLAGS =
            "-XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED";
    static final String TENANT = "bench";
    static final String PREFIX = "bench:";
    private static final Pattern LISTENING =
            Pattern.compile("rtgw listening: public \\S*?/?([0-9.]+):(\\d+) admin \\S*?/?([0-9.]+):(\\d+)");

    private final Path jar;
    private final String cpus;
    private final String jvmFlags;
    private final Map<String, String> extraEnv;
    private final String wsAuth;
    private final boolean presence;
    private final int users;
    /** With a connect hook and cookies instead of a JWT secret and tokens (null: tokens). */
    private final HookApp hookApp;
    private final String apiKey = DevTokens.randomSecret();
    private final String secret = DevTokens.randomSecret();
    private final int nodes;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> publicBases = new ArrayList<>();
    private String adminBase;
    private List<String> tokenArgs;
    /** The first node's start: wall time from the process start to its "rtgw listening" line, and its CPU by then. */
    private double startMillis;
    private double startCpuMillis;

    /**
     * @param presence the bench namespace gets {@code presence: true} (docs/protocol.md §9); connection
     *                 events (§10) are switched on by the caller's {@code RTGW_EVENTS} in {@code extraEnv}
     * @param users    distinct users (one token each); client g is user g mod users
     * @param hookApp  null, or the app to ask instead: the gateway gets {@code RTGW_CONNECT_HOOK} and no
     *                 JWT secret, the clients its session cookies instead of tokens
     * @param nodes    gateway processes sharing the store given in {@code extraEnv} (1 unless Redis)
     */
    RtgwServer(Path jar, String cpus, String jvmFlags, Map<String, String> extraEnv, String wsAuth, boolean presence,
               int users, HookApp hookApp, int nodes) {
        this.hookApp = hookApp;
        this.nodes = nodes;
        this.presence = presence;
        this.users = users;
        this.jar = jar;
        this.cpus = cpus;
        this.jvmFlags = jvmFlags;
        this.extraEnv = extraEnv;
        this.wsAuth = wsAuth;
    }

    @Override
    public String name() {
        return "rtgw";
    }

    @Override
    public void start(Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1",
                "RTGW_API_KEY", apiKey, "RTGW_JWT_SECRET", secret, "RTGW_PERSONAL_CHANNEL", "false",
                "RTGW_DRAIN", "0s"));
        env.putAll(extraEnv);
        if (hookApp != null) {
            env.remove("RTGW_JWT_SECRET");
            env.put("RTGW_CONNECT_HOOK", hookApp.url.toString());
        }
        List<String> cmd = Proc.java(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString()));
        if (presence) {
            Path config = dir.resolve("rtgw.yml");
            Files.writeString(config, "namespaces:\n  " + PREFIX.substring(0, PREFIX.length() - 1) + ": { presence: true }\n");
            cmd.addAll(List.of("--config", config.toString()));
        }
        tokenArgs = tokenArgs(dir);
        // Started one after another: each node's start (JIT, Redis connections) gets the cores alone.
        for (int i = 0; i < nodes; i++) {
            Path log = dir.resolve(nodes == 1 ? "rtgw.log" : "rtgw-" + i + ".log");
            Map<String, String> nodeEnv = new HashMap<>(env);
            if (nodes > 1) {
                nodeEnv.put("RTGW_NODE_ID", "bench-" + i);
            }
            long started = System.nanoTime();
            Process p = Proc.start(cmd, cpus, log, nodeEnv);
            processes.add(p);
            Matcher m = Proc.awaitLogLine(p, log, LISTENING, 90, "rtgw");
            if (i == 0) {
                startMillis = (System.nanoTime() - started) / 1e6;
                startCpuMillis = Proc.cpuTicks(p.pid()) * 1000 / Proc.TICKS_PER_SECOND;
            }
            publicBases.add(m.group(1) + ":" + m.group(2));
            if (adminBase == null) {
                adminBase = m.group(3) + ":" + m.group(4);
            }
        }
    }

    /**
     * What class-data sharing ({@code --cds}) and compiler flags ({@code --jvm-flags}) change first.
     * The wall time includes up to 10 ms of the bench's polling of the log.
     */
    @Override
    public List<Row> startRows(String keyPrefix) {
        return List.of(
                Row.of(keyPrefix + "startMs", "server start: process start to 'rtgw listening'", startMillis, "ms", false, 0),
                Row.of(keyPrefix + "startCpuMs", "server CPU until 'rtgw listening'", startCpuMillis, "ms", false, 0));
    }

    @Override
    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    @Override
    public void settleMemory() throws Exception {
        for (Process p : processes) {
            fullGc(p.pid());
        }
    }

    /** A full GC in the JVM {@code pid} (jcmd), then a second for the heap to be given back. */
    static void fullGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Thread.sleep(1000);
    }

    /** A JFR recording in every node, {@code <name>-<pid>.jfr} in {@code dir}. */
    @Override
    public void startProfile(Path dir, String name, String settings) throws Exception {
        for (Process p : processes) {
            jcmd(p.pid(), "JFR.start", "name=" + name, "settings=" + settings,
                    "filename=" + dir.resolve(name + "-" + p.pid() + ".jfr"));
        }
    }

    @Override
    public void stopProfile(String name) throws Exception {
        for (Process p : processes) {
            jcmd(p.pid(), "JFR.stop", "name=" + name);
        }
    }

    private static void jcmd(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    /** With several nodes each URL is a comma-separated list, one per node (the workers spread clients over them). */
    @Override
    public List<String> workerArgs() {
        List<String> args = new ArrayList<>(tokenArgs);
        args.addAll(List.of("--dialect", "rtgw", "--ws-auth", wsAuth,
                "--ws-url", perNode("ws://", "/ws"),
                "--sse-url", perNode("http://", "/sse?channel={channel}"),
                "--poll-url", perNode("http://", "/poll?channel={channel}"),
                "--channel-prefix", PREFIX));
        return args;
    }

    private String perNode(String scheme, String path) {
        return publicBases.stream().map(b -> scheme + b + path).collect(Collectors.joining(","));
    }

    /**
     * One token on the command line, or a file of one token per user (client g reads line g mod users);
     * with a hook app, its file of session cookies instead.
     */
    private List<String> tokenArgs(Path dir) throws Exception {
        if (hookApp != null) {
            return List.of("--cookie-file", hookApp.cookieFile.toString());
        }
        List<String> tokens = BenchTokens.forUsers(secret, TENANT, PREFIX + "*", users);
        if (tokens.size() == 1) {
            return List.of("--token", tokens.get(0));
        }
        Path file = dir.resolve("tokens.txt");
        Files.write(file, tokens);
        return List.of("--token-file", file.toString());
    }

    /** Publications go to the first node; through Redis they reach the others' subscribers. */
    @Override
    public Publisher publisher(int channels, String padding) {
        return new RtgwPublisher(URI.create("http://" + adminBase + "/api/publish"), apiKey, TENANT, PREFIX, channels, padding);
    }

    @Override
    public void close() {
        processes.forEach(p -> Proc.stop(p, 20));
    }
}
