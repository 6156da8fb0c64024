package io.rtgw.server.hooks;

import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.auth.ConnectAnswers;
import io.rtgw.auth.JwtVerifierSettings;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.RevocationCheck;
import io.rtgw.core.control.RevocationSet;
import io.rtgw.core.hooks.CachedSubscribeHook;
import io.rtgw.core.hooks.ConnectHook;
import io.rtgw.core.hooks.Hooks;
import io.rtgw.core.hooks.PublishHook;
import io.rtgw.core.hooks.SubscribeHook;
import io.rtgw.server.config.GatewayConfig;
import io.rtgw.server.config.HookSettings;
import io.rtgw.server.config.NamespaceSettings;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds a node's hooks (docs/protocol.md §11) from its configuration; {@link #close()} stops their threads. */
public final class HookWiring implements AutoCloseable {
    /** Threads that read answers and hand verdicts back to the event loops: short work, so few. */
    private static final int THREADS = 2;

    private final Hooks hooks;
    private final CachedSubscribeHook cache;
    private final ExecutorService executor;

    private HookWiring(Hooks hooks, CachedSubscribeHook cache, ExecutorService executor) {
        this.hooks = hooks;
        this.cache = cache;
        this.executor = executor;
    }

    /**
     * @param claims      how token claims are checked: a connect answer is checked the same way
     * @param revocations every connect admission passes them, as every token does
     */
    public static HookWiring create(GatewayConfig config, JwtVerifierSettings claims, RevocationSet revocations,
                                    MeterRegistry registry) {
        HookSettings s = config.hooks();
        if (!s.any()) {
            return new HookWiring(Hooks.NONE, null, null);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "rtgw-hooks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(s.timeout()).followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
        ConnectHook connect = s.connect().map(url -> RevocationCheck.guard(new HttpConnectHook(
                new HookEndpoint("connect", url, s.timeout(), s.maxInFlight(), client, registry),
                new ConnectAnswers(claims)), revocations)).orElse(null);
        CachedSubscribeHook cache = s.subscribe().map(url -> new CachedSubscribeHook(new HttpSubscribeHook(
                new HookEndpoint("subscribe", url, s.timeout(), s.maxInFlight(), client, registry)),
                s.cacheSize(), System::nanoTime)).orElse(null);
        PublishHook publish = s.publish().map(url -> (PublishHook) new HttpPublishHook(
                new HookEndpoint("publish", url, s.timeout(), s.maxInFlight(), client, registry))).orElse(null);
        SubscribeHook subscribe = cache;
        return new HookWiring(new Hooks(connect, subscribe, config.namespaceFlag(NamespaceSettings::subscribeHook),
                publish, config.namespaceFlag(NamespaceSettings::publishHook)), cache, executor);
    }

    public Hooks hooks() {
        return hooks;
    }

    /**
     * What the server API's commands mean to the subscribe cache: an unsubscribe forgets that
     * allow, a user revocation all of the user's, on every node (each node gets the command).
     */
    public void commanded(ControlCommand command) {
        if (cache == null) {
            return;
        }
        if (command instanceof ControlCommand.Unsubscribe u) {
            cache.forget(u.tenant(), u.user(), u.channel());
        } else if (command instanceof ControlCommand.Revoke r && r.revocation().byUser()) {
            cache.forgetUser(r.revocation().tenant(), r.revocation().user());
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
