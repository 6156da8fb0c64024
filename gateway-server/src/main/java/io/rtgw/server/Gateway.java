package io.rtgw.server;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.JwtAuthenticator;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.events.ConnectionEvents;
import io.rtgw.server.events.EventsWiring;
import io.rtgw.server.hooks.HookWiring;
import io.rtgw.core.presence.Presence;
import io.rtgw.core.presence.PresenceTracker;
import io.lettuce.core.resource.ClientResources;
import io.rtgw.metrics.GatewayMetrics;
import io.rtgw.metrics.MetricsOptions;
import io.rtgw.pubsub.RedisResources;
import io.rtgw.server.admin.AdminResponse;
import io.rtgw.server.admin.AdminServer;
import io.rtgw.server.admin.ApiAccess;
import io.rtgw.server.admin.CommandApi;
import io.rtgw.server.admin.HistoryApi;
import io.rtgw.server.admin.LoadApi;
import io.rtgw.server.admin.PresenceApi;
import io.rtgw.server.admin.RevocationApi;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.server.admin.HealthRoutes;
import io.rtgw.server.admin.PublishApi;
import io.rtgw.server.config.BrokerSettings;
import io.rtgw.server.config.GatewayConfig;
import io.rtgw.server.config.IpRange;
import io.rtgw.server.config.NamespaceSettings;
import io.rtgw.transport.AbuseLimits;
import io.rtgw.transport.EventLoops;
import io.rtgw.transport.PublicServer;
import io.rtgw.transport.StaticEndpoint;
import io.rtgw.transport.TransportContext;
import io.rtgw.transport.TransportSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway node: wires configuration, broker, hub, authentication, metrics and the two
 * listeners. {@link #start(GatewayConfig)} returns once both listeners accept connections.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** How long a drain waits past its period, and after its last connection, for final writes. */
    private static final Duration LAST_CLOSES = Duration.ofMillis(500);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final EventLoops loops;
    /** The process's one set of Lettuce threads, for every Redis user; null with the embedded broker. */
    private final ClientResources redisResources;
    /** The broker's pub/sub connections on the worker loops ({@code RTGW_REDIS_IO=shared}), else null. */
    private final ClientResources pubSubResources;
    private final Broker broker;
    private final Hub hub;
    private final JwtAuthenticator authenticator;
    private final LiveApiKeys apiKeys;
    private final PublicServer publicServer;
    private final AdminServer adminServer;
    private final TransportContext transport;
    private final SessionDirectory directory = new SessionDirectory();
    private final ControlWiring control;
    private final NodeReporter reporter;
    /** This node's presence entries and their leases (docs/protocol.md §9). */
    private final PresenceTracker presenceTracker;
    private final Presence presence;
    /** Connection events for the app (docs/protocol.md §10); OFF unless RTGW_EVENTS is set. */
    private final ConnectionEvents events;
    /** The app's hooks (docs/protocol.md §11); none unless configured. */
    private final HookWiring hookWiring;
    private volatile boolean stopped;

    private Gateway(GatewayConfig config, Map<String, StaticEndpoint> pages) {
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = GatewayMetrics.create(config.observability().tenantMetrics()
                ? MetricsOptions.withTenantUsage(config.observability().tenantMetricsMax()) : MetricsOptions.defaults());
        GatewayObserver observer = metrics.observer();
        this.loops = new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
        NettyMetrics.register(metrics.registry(), loops);
        this.redisResources = config.broker().embedded() ? null : RedisResources.create();
        this.pubSubResources = pubSubResources(config, loops, redisResources);
        this.broker = Brokers.create(config, redisResources, pubSubResources);
        Brokers.registerMetrics(metrics.registry(), broker);
        SessionSettings sessionSettings = sessionSettings(config);
        this.hub = new Hub(broker, loops.workers().next(), config.connections().subscriptionLinger(), observer,
                config.broker().positionCheck(), sessionSettings.historyPageSize(), config.historyPolicies());
        this.authenticator = Authentication.tokens(config);
        this.apiKeys = Authentication.apiKeys(config);
        this.control = ControlWiring.create(config, directory, redisResources);
        Duration presenceInterval = config.control().presenceInterval();
        this.presenceTracker = new PresenceTracker(control.plane().presenceStore(control.nodeId(), presenceInterval),
                presenceInterval, observer);
        this.presence = new Presence(config.namespaceFlag(NamespaceSettings::presence),
                config.namespaceFlag(NamespaceSettings::joinLeave), presenceTracker, broker, observer);
        this.events = EventsWiring.create(config, control.plane(), control.nodeId(), metrics.registry());
        this.hookWiring = HookWiring.create(config, authenticator.settings(), control.revocations(), loops,
                metrics.registry());
        control.control().alsoTell(hookWiring::commanded);
        SessionContext sessions = new SessionContext(hub, broker, control.guard(authenticator), observer, sessionSettings,
                directory, presence, events, hookWiring.hooks());
        this.transport = TransportContext.of(sessions, transportSettings(config), abuseLimits(config));
        this.publicServer = new PublicServer(transport, loops);
        ClientFiles.routes().forEach(publicServer::route);
        pages.forEach(publicServer::route);
        this.adminServer = new AdminServer(loops, config.network().adminBind(), config.network().adminPort(),
                config.connections().maxMessage())
                .route("/metrics", HealthRoutes.get(() -> AdminResponse.text(HttpResponseStatus.OK,
                        GatewayMetrics.CONTENT_TYPE, metrics.scrape())))
                .route("/healthz", HealthRoutes.liveness(loops.workers(), Duration.ofSeconds(5)))
                .route("/readyz", HealthRoutes.readiness(hub::brokerUp, transport.drain()::draining))
                .counting(new ApiMetrics(metrics.registry()));
        serverApi(adminServer, new ApiAccess(apiKeys), observer);
        this.reporter = new NodeReporter(control.nodeId(), NodeVersion.current(), control.plane(),
                new NodeReporter.Sources(hub, directory, hub::brokerUp, transport.drain()::draining),
                config.control().reportInterval(), control.clock());
    }

    /**
     * With {@code RTGW_REDIS_IO=shared} the broker's pub/sub connections run on the worker loops,
     * so a message from Redis, its channel's lane and the sessions it goes to are one thread on a
     * one-core node; commands keep Lettuce's loops ({@link RedisResources#pubSubOn}).
     */
    private static ClientResources pubSubResources(GatewayConfig config, EventLoops loops, ClientResources redis) {
        if (redis == null || config.broker().redisIo() != BrokerSettings.RedisIo.SHARED) {
            return null;
        }
        return RedisResources.pubSubOn(redis, loops.workers(), loops.socketChannel()).orElse(null);
    }

    /** docs/protocol.md §7 on the admin listener. */
    private void serverApi(AdminServer admin, ApiAccess access, GatewayObserver observer) {
        ControlPlane plane = control.plane();
        admin.api("/api/publish", "publish", new PublishApi(broker, apiKeys, observer))
                .api("/api/disconnect", "disconnect", CommandApi.disconnect(access, plane))
                .api("/api/unsubscribe", "unsubscribe", CommandApi.unsubscribe(access, plane))
                .api("/api/revoke", "revoke", RevocationApi.revoke(access, plane, control.clock()))
                .api("/api/revoke", "lift", RevocationApi.lift(access, plane, control.clock()))
                .api("/api/revocations", "revocations", RevocationApi.list(access, plane))
                .api("/api/channels", "channels", LoadApi.channels(access, plane))
                .api("/api/history", "history", new HistoryApi(access, broker))
                .apiPrefix(LoadApi.USERS_PREFIX, "users", LoadApi.user(access, plane))
                .api("/api/info", "info", LoadApi.info(access, plane, control.clock()))
                .api("/api/presence", "presence", PresenceApi.clients(access, presence))
                .api("/api/presence/stats", "presence", PresenceApi.stats(access, presence));
    }

    /** Starts a node; {@code pages} are extra public documents by path (the dev demo page). */
    public static Gateway start(GatewayConfig config, Map<String, StaticEndpoint> pages) throws Exception {
        Gateway gateway = new Gateway(config, pages);
        try {
            gateway.awaitBroker();
            gateway.awaitKeys();
            gateway.awaitControl();
            gateway.reporter.start();
            gateway.presenceTracker.start();
            gateway.events.start();
            gateway.adminServer.start();
            gateway.publicServer.start();
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
        log.info("rtgw listening: public {} admin {} broker {} ({})", gateway.publicAddress(), gateway.adminAddress(),
                config.broker().embedded() ? "embedded" : "redis", gateway.loops.epoll() ? "epoll" : "nio");
        return gateway;
    }

    /**
     * Waits briefly for the broker. A Redis that is away at start does not stop the node: it
     * keeps retrying, clients can connect, and readiness says 503 until the broker is up.
     */
    private void awaitBroker() {
        var started = broker.start(hub);
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("broker not reachable yet; starting anyway, /readyz answers 503 until it is");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("broker failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.observer().brokerState(broker.isUp());
    }

    /**
     * Waits briefly for the control plane and the revocation set; tokens are refused as
     * temporarily unavailable until the set is loaded, so nobody revoked is ever admitted.
     */
    private void awaitControl() {
        try {
            control.start().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("revocations not loaded yet; connections are refused as unavailable until they are");
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("control plane failed to start: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** With a JWKS URL, wait briefly for the first key set; a provider that is down is retried in the background. */
    private void awaitKeys() {
        try {
            authenticator.jwksReady().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("JWKS keys not loaded yet ({}); tokens are refused until they are", e.toString());
        }
    }

    static SessionSettings sessionSettings(GatewayConfig config) {
        int page = Math.max(100, Math.min(config.historyPolicies().maxSize(), 10_000));
        return new SessionSettings(config.jwt().skew(), config.connections().expiringLead(),
                config.connections().maxLifetime(), config.limits().maxSubscriptions(),
                config.connections().personalChannel(), page, SessionSettings.DEFAULT_MAX_PENDING_PER_CHANNEL,
                namespace -> config.namespace(namespace).clientPublish());
    }

    static TransportSettings transportSettings(GatewayConfig config) {
        var c = config.connections();
        return new TransportSettings(config.network().bind(), config.network().publicPort(), c.maxMessage(),
                c.heartbeat(), c.authTimeout(), c.tokenCookie(), c.queryToken(),
                java.util.Set.copyOf(config.network().allowedOrigins()), c.outboundQueue(), TransportSettings.DEFAULT_SSE_RETRY,
                c.subscriptionLinger());
    }

    static AbuseLimits abuseLimits(GatewayConfig config) {
        var l = config.limits();
        return new AbuseLimits(l.maxConnections(), l.maxConnectionsPerTenant(), l.maxConnectionsPerUser(),
                l.commandRate(), l.commandBurst(), l.clientPublishRate(), l.connectRatePerIp(),
                trustedProxy(config.network().trustedProxies()), l.handshakeTimeout(), l.idleTimeout(), l.maxSockets());
    }

    /**
     * Asked for every accepted socket and every session-opening request (issue 17: a stream
     * pipeline per question was 1.5 % of a warm WebSocket connect): a plain loop, and nothing at
     * all to ask without trusted proxies, the usual case.
     */
    static Predicate<InetAddress> trustedProxy(List<IpRange> ranges) {
        if (ranges.isEmpty()) {
            return address -> false;
        }
        IpRange[] all = ranges.toArray(IpRange[]::new);
        return address -> {
            for (IpRange range : all) {
                if (range.contains(address)) {
                    return true;
                }
            }
            return false;
        };
    }

    public InetSocketAddress publicAddress() {
        return publicServer.address();
    }

    public InetSocketAddress adminAddress() {
        return adminServer.address();
    }

    public GatewayConfig config() {
        return config;
    }

    public Hub hub() {
        return hub;
    }

    public Broker broker() {
        return broker;
    }

    /** This node's authenticated sessions by tenant and user. */
    public SessionDirectory directory() {
        return directory;
    }

    /** Applies server-API commands to this node's sessions (tests drive it directly). */
    public io.rtgw.core.control.NodeControl nodeControl() {
        return control.control();
    }

    /** This node's presence (tests stop its renewals to play a node that died). */
    public PresenceTracker presenceTracker() {
        return presenceTracker;
    }

    public String nodeId() {
        return control.nodeId();
    }

    /** The Lettuce threads every Redis user of this node shares; null with the embedded broker. */
    ClientResources redisResources() {
        return redisResources;
    }

    /** Where the broker's pub/sub connections run when not on {@link #redisResources()}; else null. */
    ClientResources pubSubResources() {
        return pubSubResources;
    }

    /**
     * Graceful shutdown (docs/protocol.md §8): readiness turns 503 at once, the listeners keep answering
     * but send new sessions elsewhere, and every connection is told to reconnect, spread evenly
     * over {@code period} so the clients do not all arrive at the other nodes in the same second.
     * Returns, with the node stopped, as soon as no connection is left (at once on an idle node),
     * at the latest a moment after the period: an orchestrator's stop grace (Docker's default
     * 10 s) must not be spent waiting for nothing.
     */
    public void drain(Duration period) throws InterruptedException {
        transport.drain().start();
        int connections = transport.registry().size();
        log.info("draining {} connections over at most {}", connections, period);
        transport.registry().closeAllSpread(io.rtgw.core.DisconnectReason.SHUTDOWN, period);
        // The last slot's close may land right at the end of the period: a moment more to see it go.
        if (!transport.registry().awaitEmpty(period.plus(LAST_CLOSES))) {
            log.warn("drain period over with {} connections left; closing them", transport.registry().size());
        } else if (connections > 0) {
            // A held poll leaves the registry as its answer is written: let that write reach the wire.
            Thread.sleep(LAST_CLOSES.toMillis());
        }
        close();
    }

    /**
     * Swaps the server API keys for those of {@code next} (SIGHUP); requests in flight finish with
     * the old set. Only the keys are taken from {@code next}.
     *
     * @return the number of keys now valid
     */
    public int replaceApiKeys(GatewayConfig next) {
        var keys = Authentication.apiKeySet(next);
        apiKeys.replace(keys);
        return keys.size();
    }

    public boolean draining() {
        return transport.drain().draining();
    }

    /** Stops listening and ends every connection. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        // ends every client connection, with the worker loops still running: Redis may share them
        publicServer.close();
        adminServer.close();
        loops.stopListening(Duration.ofMillis(200));
        reporter.close();
        // after the connections: the closed sessions have sent their leaves; before the plane, whose connection it uses
        presenceTracker.close();
        // likewise: the closed sessions' departures are in; pending grace checks run, then the queue flushes
        events.close();
        control.close();
        broker.close();
        if (pubSubResources != null) {
            RedisResources.shutdown(pubSubResources);
        }
        if (redisResources != null) {
            // after every Redis user has closed: they share these threads
            RedisResources.shutdown(redisResources);
        }
        // last: with RTGW_REDIS_IO=shared the Redis connections closed above ran on these loops
        loops.shutdown(Duration.ofMillis(200));
        authenticator.close();
        metrics.close();
    }
}
