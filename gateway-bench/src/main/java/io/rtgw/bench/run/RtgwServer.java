package io.rtgw.bench.run;

import io.rtgw.auth.DevTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway jar as the Dockerfile runs it: fixed heap, G1, no pre-touch, ports picked by the
 * OS and read back from the "rtgw listening" log line. The personal channel is off so every
 * connection holds exactly one subscription, as a Nchan subscriber does.
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
    private Process process;
    private String publicBase;
    private String adminBase;
    private List<String> tokenArgs;

    /**
     * @param presence the bench namespace gets {@code presence: true} (docs/protocol.md §9); connection
     *                 events (§10) are switched on by the caller's {@code RTGW_EVENTS} in {@code extraEnv}
     * @param users    distinct users (one token each); client g is user g mod users
     * @param hookApp  null, or the app to ask instead: the gateway gets {@code RTGW_CONNECT_HOOK} and no
     *                 JWT secret, the clients its session cookies instead of tokens
     */
    RtgwServer(Path jar, String cpus, String jvmFlags, Map<String, String> extraEnv, String wsAuth, boolean presence,
               int users, HookApp hookApp) {
        this.hookApp = hookApp;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toString()));
        if (presence) {
            Path config = dir.resolve("rtgw.yml");
            Files.writeString(config, "namespaces:\n  " + PREFIX.substring(0, PREFIX.length() - 1) + ": { presence: true }\n");
            cmd.addAll(List.of("--config", config.toString()));
        }
        tokenArgs = tokenArgs(dir);
        Path log = dir.resolve("rtgw.log");
        process = Proc.start(cmd, cpus, log, env);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rtgw exited at start, see " + log + ":\n" + Files.readString(log));
            }
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                publicBase = m.group(1) + ":" + m.group(2);
                adminBase = m.group(3) + ":" + m.group(4);
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("rtgw did not log its listeners within 90 s, see " + log);
    }

    @Override
    public List<Long> pids() {
        return List.of(process.pid());
    }

    @Override
    public void settleMemory() throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Thread.sleep(1000);
    }

    @Override
    public List<String> workerArgs() {
        List<String> args = new ArrayList<>(tokenArgs);
        args.addAll(List.of("--dialect", "rtgw", "--ws-auth", wsAuth,
                "--ws-url", "ws://" + publicBase + "/ws",
                "--sse-url", "http://" + publicBase + "/sse?channel={channel}",
                "--poll-url", "http://" + publicBase + "/poll?channel={channel}",
                "--channel-prefix", PREFIX));
        return args;
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

    @Override
    public Publisher publisher(int channels, String padding) {
        return new RtgwPublisher(URI.create("http://" + adminBase + "/api/publish"), apiKey, TENANT, PREFIX, channels, padding);
    }

    @Override
    public void close() {
        Proc.stop(process, 20);
    }
}
