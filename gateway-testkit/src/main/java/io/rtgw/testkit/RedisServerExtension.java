package io.rtgw.testkit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Redis. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static RedisServerExtension redis = RedisServerExtension.shared();
 * }</pre>
 *
 * <ul>
 *   <li>{@link #shared()}: one server for the whole test run (JVM), because starting servers and
 *       Lettuce clients is slow; tests keep apart through {@link #tenant()} / {@link #keyPrefix()},
 *       which are new for every test method. Do not stop or flush it.</li>
 *   <li>{@link #dedicated()}: a server for one test class, which its tests may stop, crash,
 *       restart (same port, same dir) and flush; {@link #appendOnly()} /
 *       {@link #appendFsyncAlways()} make its data survive a stop / a crash, {@link #withArgs}
 *       passes any other {@code redis-server} option.</li>
 *   <li>{@link #cluster(int)}: a Redis Cluster of that many masters, shared by the run.</li>
 * </ul>
 * Servers are stored in JUnit's store as {@link AutoCloseable}s, so JUnit stops them (by PID)
 * when their scope ends.
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisServerExtension.class);
    private static final AtomicInteger TEST_COUNTER = new AtomicInteger();

    private enum Scope { SHARED, DEDICATED, CLUSTER, SENTINEL }

    private final Scope scope;
    private final boolean appendOnly;
    private final int masters;
    private final List<String> serverArgs;
    private volatile RedisServer server;
    private volatile RedisCluster cluster;
    private volatile RedisSentinelGroup sentinelGroup;
    private volatile String tenant;
    private volatile String keyPrefix;

    private RedisServerExtension(Scope scope, boolean appendOnly, int masters) {
        this(scope, appendOnly, masters, List.of());
    }

    private RedisServerExtension(Scope scope, boolean appendOnly, int masters, List<String> serverArgs) {
        this.scope = scope;
        this.appendOnly = appendOnly;
        this.masters = masters;
        this.serverArgs = List.copyOf(serverArgs);
    }

    public static RedisServerExtension shared() {
        return new RedisServerExtension(Scope.SHARED, false, 0);
    }

    public static RedisServerExtension dedicated() {
        return new RedisServerExtension(Scope.DEDICATED, false, 0);
    }

    public static RedisServerExtension cluster(int masters) {
        if (masters < 3) {
            throw new IllegalArgumentException("masters: " + masters + " (expected: >= 3, Redis Cluster's minimum)");
        }
        return new RedisServerExtension(Scope.CLUSTER, false, masters);
    }

    /** A master, a replica and a Sentinel for one test class, which may fail over. */
    public static RedisServerExtension sentinel() {
        return new RedisServerExtension(Scope.SENTINEL, false, 0);
    }

    /** The same kind of server with the append-only file on (survives {@link RedisServer#stop()}). */
    public RedisServerExtension appendOnly() {
        if (scope != Scope.DEDICATED) {
            throw new IllegalStateException("appendOnly() is for dedicated servers (a shared one is never stopped)");
        }
        return new RedisServerExtension(scope, true, masters, serverArgs);
    }

    /**
     * Append-only file with an fsync before every reply ({@code --appendfsync always}): whatever
     * Redis acknowledged survives {@link RedisServer#crash()} (SIGKILL), so a crash test can
     * demand that every acknowledged write is still there after {@link RedisServer#restart()}.
     */
    public RedisServerExtension appendFsyncAlways() {
        return appendOnly().withArgs("--appendfsync", "always");
    }

    /**
     * Extra {@code redis-server} arguments for a dedicated server, e.g.
     * {@code "--enable-debug-command", "local"} for tests that run {@code DEBUG SLEEP}.
     */
    public RedisServerExtension withArgs(String... args) {
        if (scope != Scope.DEDICATED) {
            throw new IllegalStateException("withArgs() is for dedicated servers (a shared one serves every test)");
        }
        List<String> all = new java.util.ArrayList<>(serverArgs);
        all.addAll(List.of(args));
        return new RedisServerExtension(scope, appendOnly, masters, all);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        switch (scope) {
            case SHARED -> server = context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent("shared-server", k -> newServer(false, List.of()), RedisServer.class);
            case DEDICATED -> {
                RedisServer s = newServer(appendOnly, serverArgs);
                context.getStore(NAMESPACE).put("dedicated-server", s);
                server = s;
            }
            case CLUSTER -> cluster = context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent("cluster-" + masters, k -> RedisCluster.start(masters), RedisCluster.class);
            case SENTINEL -> {
                RedisSentinelGroup group = RedisSentinelGroup.start();
                context.getStore(NAMESPACE).put("sentinel-group", group);
                sentinelGroup = group;
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        int n = TEST_COUNTER.incrementAndGet();
        String salt = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        tenant = "t" + n + "-" + salt;
        keyPrefix = "rtgwt" + n + salt;
    }

    private static RedisServer newServer(boolean appendOnly, List<String> args) {
        if (RedisBinaries.serverInstalled()) {
            return LocalRedisServer.start(appendOnly, args);
        }
        if (DockerCheck.available() && args.isEmpty()) {
            return new ContainerRedisServer(appendOnly);
        }
        throw new IllegalStateException("no redis-server installed" + (args.isEmpty() ? " and Docker is not available" : "")
                + "; install the Debian package redis-server (./gateway test does)");
    }

    public RedisServer server() {
        return Objects.requireNonNull(server, "no server: not a server-scoped extension, or used before beforeAll");
    }

    public RedisCluster cluster() {
        return Objects.requireNonNull(cluster, "no cluster: use RedisServerExtension.cluster(n)");
    }

    public RedisSentinelGroup sentinelGroup() {
        return Objects.requireNonNull(sentinelGroup, "no sentinel group: use RedisServerExtension.sentinel()");
    }

    /** A tenant id no other test in this run uses (valid per docs/protocol.md §2). */
    public String tenant() {
        return tenant;
    }

    /** A key prefix no other test in this run uses. */
    public String keyPrefix() {
        return keyPrefix;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return (type == RedisServer.class && server != null) || (type == RedisCluster.class && cluster != null)
                || (type == RedisSentinelGroup.class && sentinelGroup != null);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == RedisServer.class ? server() : type == RedisCluster.class ? cluster() : sentinelGroup();
    }
}
