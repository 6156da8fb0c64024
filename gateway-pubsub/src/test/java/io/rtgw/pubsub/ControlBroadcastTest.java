package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes on one Redis: every command reaches both, and the sender adds up their answers. */
class ControlBroadcastTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private RedisServer server;
    private String tenant;
    private final CompletableFuture<Integer> lateAnswer = new CompletableFuture<>();
    private final ControlPlanes.Recorder onA = new ControlPlanes.Recorder(2);
    private final ControlPlanes.Recorder onB = new ControlPlanes.Recorder(command ->
            command instanceof ControlCommand.Unsubscribe ? lateAnswer : CompletableFuture.completedFuture(3));
    private RedisControlPlane a;
    private RedisControlPlane b;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        tenant = redis.tenant();
        a = ControlPlanes.started(server.uri(), redis.keyPrefix(), "node-a", onA);
        b = ControlPlanes.started(server.uri(), redis.keyPrefix(), "node-b", onB);
    }

    @AfterEach
    void stop() {
        lateAnswer.complete(0);
        a.close();
        b.close();
    }

    @Test
    void aCommandReachesEveryNodeTheSenderIncludedAndTheAnswersAreSummed() throws Exception {
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "alice", null, true);
        assertThat(a.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(onA.commands).containsExactly(disconnect);
        assertThat(onB.commands).containsExactly(disconnect);

        Revocation revocation = Revocation.ofToken(tenant, "jti-1", 1_900_000_000L);
        ControlCommand revoke = new ControlCommand.Revoke(revocation);
        ControlCommand lift = new ControlCommand.Lift(Revocation.ofUser(tenant, "bob|with bar", 1_800_000_000L));
        ControlCommand oneClient = new ControlCommand.Disconnect(tenant, "alice", "client-7", false);
        assertThat(b.broadcast(revoke, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(b.broadcast(lift, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(b.broadcast(oneClient, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(onA.commands).containsExactly(disconnect, revoke, lift, oneClient);
        assertThat(onB.commands).containsExactly(disconnect, revoke, lift, oneClient);
    }

    @Test
    void aNodeThatAnswersLateIsNotWaitedForBeyondTheTimeout() throws Exception {
        ControlCommand unsubscribe = new ControlCommand.Unsubscribe(tenant, "alice", "room:1");
        int counted = a.broadcast(unsubscribe, Duration.ofMillis(500)).get(60, TimeUnit.SECONDS);
        assertThat(lateAnswer).as("B has not answered yet").isNotDone();
        assertThat(counted).isEqualTo(2);
        assertThat(onB.commands).containsExactly(unsubscribe);
    }

    @Test
    void garbageOnTheControlChannelIsIgnoredAndTheLinkKeepsWorking() throws Exception {
        String control = redis.keyPrefix() + ":{~control}";
        for (String junk : List.of("not json", "[1,2]", "{}", "{\"type\":\"explode\",\"id\":\"x\",\"origin\":\"node-a\"}",
                "{\"type\":\"disconnect\",\"id\":\"x\",\"origin\":\"node-a\"}",
                "{\"type\":\"revoke\",\"id\":\"x\",\"origin\":\"node-a\",\"tenant\":\"t\",\"jti\":\"j\",\"exp\":\"soon\"}",
                "{\"type\":\"reply\",\"id\":\"node-a.1\",\"node\":\"ghost\",\"count\":99}")) {
            assertThat(server.cli("PUBLISH", control, junk)).isEqualTo("2");
        }
        // answers on the wrong channel are not counted either
        server.command("PUBLISH".getBytes(StandardCharsets.US_ASCII),
                (redis.keyPrefix() + ":{~node:node-a}").getBytes(StandardCharsets.US_ASCII), new byte[]{0, (byte) 0xff});
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "carol", null, false);
        assertThat(a.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(onA.commands).containsExactly(disconnect);
        assertThat(onB.commands).containsExactly(disconnect);
        assertThat(a.isUp() && b.isUp()).isTrue();
    }

    @Test
    void aClosedNodeNoLongerCountsAndTheRestCarryOn() throws Exception {
        b.close();
        await().atMost(WAIT).until(() -> server.cli("PUBSUB", "NUMSUB", redis.keyPrefix() + ":{~control}").endsWith("\n1"));
        ControlCommand disconnect = new ControlCommand.Disconnect(tenant, "dave", null, false);
        assertThat(a.broadcast(disconnect, WAIT).get(60, TimeUnit.SECONDS)).isEqualTo(2);
    }
}
