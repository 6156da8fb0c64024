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
import io.rtgw.transport.EventLoops;

/** Builds a node's hooks (docs/protocol.md §11) from its configuration: they ask the app from the node's event loops. */
public final class HookWiring {
    private final Hooks hooks;
    private final CachedSubscribeHook cache;

    private HookWiring(Hooks hooks, CachedSubscribeHook cache) {
        this.hooks = hooks;
        this.cache = cache;
    }

    /**
     * @param claims      how token claims are checked: a connect answer is checked the same way
     * @param revocations every connect admission passes them, as every token does
     */
    public static HookWiring create(GatewayConfig config, JwtVerifierSettings claims, RevocationSet revocations,
                                    EventLoops loops, MeterRegistry registry) {
        HookSettings s = config.hooks();
        if (!s.any()) {
            return new HookWiring(Hooks.NONE, null);
        }
        java.util.function.BiFunction<String, java.net.URI, HookEndpoint> endpoint = (name, url) -> new HookEndpoint(
                name, url, s.maxInFlight(), new NettyHookClient(url, s.timeout(), loops.workers(), loops.socketChannel()),
                registry);
        ConnectHook connect = s.connect().map(url -> RevocationCheck.guard(new HttpConnectHook(
                endpoint.apply("connect", url), new ConnectAnswers(claims)), revocations)).orElse(null);
        CachedSubscribeHook cache = s.subscribe().map(url -> new CachedSubscribeHook(new HttpSubscribeHook(
                endpoint.apply("subscribe", url)), s.cacheSize(), System::nanoTime)).orElse(null);
        PublishHook publish = s.publish().map(url -> (PublishHook) new HttpPublishHook(endpoint.apply("publish", url)))
                .orElse(null);
        SubscribeHook subscribe = cache;
        return new HookWiring(new Hooks(connect, subscribe, config.namespaceFlag(NamespaceSettings::subscribeHook),
                publish, config.namespaceFlag(NamespaceSettings::publishHook)), cache);
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

}
