package io.rtgw.server;

import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Correct under every fault", the faults of a single Redis: two nodes, WebSocket, SSE and
 * long-poll clients on both, an app publishing steadily through both; whatever happens to
 * Redis, each client gets every acknowledged publication once and in order, or a gap notice in
 * its place (docs/protocol.md §5). Redis fsyncs every write, so a crash loses nothing it
 * acknowledged.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisFaultsIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendFsyncAlways()
            .withArgs("--enable-debug-command", "local");
    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = FaultRig.start(redis.server().uri(), 2);
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aRedisKilledWithSigkillAndRestartedOnItsPortAndDirectoryLosesNoAcknowledgedPublication(RedisServer server)
            throws Exception {
        rig.survives(redis.tenant(), "room:crash", app -> {
            server.crash();
            rig.awaitAllUnready();
            FaultRig.awaitRefusals(app);
            server.restart();
        });
    }

    @Test
    void killedPubSubConnectionsAreReplacedAndWhatTheyMissedIsBackfilled(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        rig.survives(tenant, "room:kill", app -> {
            server.cli("CLIENT", "KILL", "TYPE", "pubsub");
            // both nodes hold the channel again
            await().atMost(FaultRig.WAIT).until(() -> RedisE2e.numsub(server, RedisE2e.key(tenant, "room:kill")) == 2);
        });
    }

    @Test
    void aRedisThatHangsLongerThanTheProbeAllowsIsNoticedAndCaughtUpWith(RedisServer server) throws Exception {
        rig.survives(redis.tenant(), "room:sleep", app -> {
            // nothing is closed: only the probe (every 500 ms, 3 s to come back) can tell
            CompletableFuture<String> sleep = CompletableFuture.supplyAsync(() -> server.cli("DEBUG", "SLEEP", "6"));
            rig.awaitAllUnready();
            sleep.get(FaultRig.WAIT.toSeconds(), TimeUnit.SECONDS);
        });
    }
}
