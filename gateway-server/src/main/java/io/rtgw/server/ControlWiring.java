package io.rtgw.server;

import io.rtgw.auth.JwtVerifierSettings;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.auth.Authenticator;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.control.LocalControlPlane;
import io.rtgw.core.control.NodeControl;
import io.rtgw.core.control.RevocationCheck;
import io.rtgw.core.control.RevocationSet;
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
    private final String nodeId;
    private final RevocationSet revocations;
    private final ControlPlane plane;
    private final NodeControl control;

    private ControlWiring(String nodeId, RevocationSet revocations, ControlPlane plane, NodeControl control) {
        this.nodeId = nodeId;
        this.revocations = revocations;
        this.plane = plane;
        this.control = control;
    }

    static ControlWiring create(GatewayConfig config, SessionDirectory directory) {
        Duration maxTokenAge = JwtVerifierSettings.DEFAULT_MAX_TOKEN_AGE;
        Duration skew = config.jwt().skew();
        Clock clock = Clock.systemUTC();
        RevocationSet revocations = new RevocationSet(maxTokenAge, skew, clock);
        ControlPlane plane = new LocalControlPlane(maxTokenAge, skew, clock);
        String nodeId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return new ControlWiring(nodeId, revocations, plane, new NodeControl(directory, revocations));
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

    @Override
    public void close() {
        plane.close();
    }
}
