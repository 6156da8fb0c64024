package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.testkit.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis restarting under the control plane, and links dying without a word: revocations survive
 * (append-only file), and a node that was cut off is told to re-read them.
 */
class ControlPlaneOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendFsyncAlways();

    private RedisServer server;
    private String tenant;
    private final ControlPlanes.Recorder listener = new ControlPlanes.Recorder(1);
    private RedisControlPlane plane;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        if (!server.isRunning()) {
            server.restart();
        }
        tenant = redis.tenant();
        plane = ControlPlanes.started(server.uri(), redis.keyPrefix(), "node-a", listener);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void revocationsSurviveARedisRestartAndTheNodeIsToldToReReadThem() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Revocation user = Revocation.ofUser(tenant, "alice", now);
        Revocation token = Revocation.ofToken(tenant, "jti-1", now + 3600);
        plane.storeRevocation(user).get(10, TimeUnit.SECONDS);
        plane.storeRevocation(token).get(10, TimeUnit.SECONDS);

        server.crash(); // SIGKILL: only what the append-only file already holds survives
        await().atMost(WAIT).until(() -> !plane.isUp());
        server.restart();
        await().atMost(WAIT).until(() -> listener.rejoins.get() >= 1 && plane.isUp());
        assertThat(plane.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(user, token);
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "alice", null, false);
        assertThat(plane.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(1);

        // a node starting afresh reads them too
        try (RedisControlPlane restarted = new RedisControlPlane(TestBrokers.config(server.uri(), null)
                .keyPrefix(redis.keyPrefix()).build(), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ZERO,
                Clock.systemUTC())) {
            restarted.start("node-a2", new ControlPlanes.Recorder(0)).get(30, TimeUnit.SECONDS);
            assertThat(restarted.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(user, token);
        }
    }

    @Test
    void aKilledControlLinkIsRebuiltAndTheNodeReReads() throws Exception {
        server.cli("CLIENT", "KILL", "TYPE", "pubsub");
        await().atMost(WAIT).until(() -> listener.rejoins.get() >= 1 && plane.isUp());
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "bob", null, false);
        assertThat(plane.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(listener.commands).containsExactly(disconnect);
    }

    @Test
    void aControlLinkThatGoesSilentIsFoundByTheProbeAndRebuilt() throws Exception {
        ControlPlanes.Recorder proxiedListener = new ControlPlanes.Recorder(10);
        try (TcpProxy proxy = new TcpProxy(server.host(), server.port());
             RedisControlPlane proxied = new RedisControlPlane(TestBrokers.config(proxy.uri(), null)
                     .keyPrefix(redis.keyPrefix()).probeTimeout(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(2))
                     .build(), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ZERO, Clock.systemUTC())) {
            proxied.start("node-p", proxiedListener).get(30, TimeUnit.SECONDS);
            proxy.freezeExisting(); // both connections stay open and pass nothing: no event says so
            await().atMost(WAIT).until(() -> proxiedListener.rejoins.get() >= 1 && proxied.isUp());
            ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "carol", null, false);
            // Redis still counts the frozen connection as a listener, so each broadcast waits
            // for its timeout until Redis drops it; the sum is the whole fleet's all the same
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> plane.broadcast(disconnect, Duration.ofSeconds(2)).get(60, TimeUnit.SECONDS) == 11);
            assertThat(proxiedListener.commands).contains(disconnect);
        }
    }
}
