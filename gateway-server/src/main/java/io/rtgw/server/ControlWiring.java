package io.rtgw.server;

import io.lettuce.core.resource.ClientResources;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.auth.Authenticator;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.LocalControlPlane;
import io.rtgw.core.control.NodeControl;
import io.rtgw.core.control.RevocationCheck;
import io.rtgw.core.control.RevocationSet;
import io.rtgw.pubsub.RedisBrokerConfig;
import io.rtgw.server.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node's part in the server API (docs/protocol.md §7): its id, the control plane of its broker
 * kind, the revocation set every token check consults, and the {@link NodeControl} that applies
 * commands to the node's sessions.
 */
final class ControlWiring implements AutoCloseable {
    /** Makes the control plane of a node on Redis; a seam so the Redis implementation plugs in at one line. */
    @FunctionalInterface
    interface RedisPlaneFactory {
        ControlPlane create(RedisBrokerConfig config, Duration reportInterval, Duration maxTokenAge, Duration skew,
                            Clock clock);
    }

    /** Commands, revocations and reports through the Redis every node shares. */
    static final RedisPlaneFactory REDIS = io.rtgw.pubsub.RedisControlPlane::new;

    private final String nodeId;
    private final RevocationSet revocations;
    private final ControlPlane plane;
    private final NodeControl control;
    private final Clock clock;

    private ControlWiring(String nodeId, RevocationSet revocations, ControlPlane plane, NodeControl control, Clock clock) {
        this.nodeId = nodeId;
        this.revocations = revocations;
        this.plane = plane;
        this.control = control;
        this.clock = clock;
    }

    /** @param redis the process's Lettuce resources; null with the embedded broker */
    static ControlWiring create(GatewayConfig config, SessionDirectory directory, ClientResources redis) {
        return create(config, directory, redis, REDIS);
    }

    static ControlWiring create(GatewayConfig config, SessionDirectory directory, ClientResources redis,
                                RedisPlaneFactory redisPlanes) {
        Duration maxTokenAge = config.control().maxTokenAge();
        Duration skew = config.jwt().skew();
        Clock clock = Clock.systemUTC();
        RevocationSet revocations = new RevocationSet(maxTokenAge, skew, clock);
        ControlPlane plane = config.broker().embedded()
                ? new LocalControlPlane(maxTokenAge, skew, clock)
                : redisPlanes.create(Brokers.redisConfig(config, redis), config.control().reportInterval(), maxTokenAge,
                        skew, clock);
        String nodeId = config.control().nodeId()
                .orElseGet(() -> Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
        return new ControlWiring(nodeId, revocations, plane, new NodeControl(directory, revocations), clock);
    }

    /** Every token the node verifies passes the revocation set. */
    Authenticator guard(Authenticator tokens) {
        return new RevocationCheck(tokens, revocations);
    }

    /** Joins the control plane and loads the revocations; the node admits no one unchecked before. */
    CompletableFuture<Void> start() {
        return control.start(nodeId, plane);
    }

    String nodeId() {
        return nodeId;
    }

    RevocationSet revocations() {
        return revocations;
    }

    ControlPlane plane() {
        return plane;
    }

    NodeControl control() {
        return control;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        control.stop();
        plane.close();
    }
}
