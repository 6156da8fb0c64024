package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.SessionContext;
import io.rtgw.metrics.Exposition;
import io.rtgw.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 subscribers of one channel and one lost announcement cost one history read, not 10,000
 * (docs/protocol.md §6: "at most one history read … per channel").
 *
 * <p>The subscribers are sessions of a real node (its Hub, its RedisBroker on a real Redis, its
 * /metrics) on socketless connections. Why not 10,000 WebSockets: over loopback each costs two
 * descriptors when both ends share a JVM (40,000, over the 20,000 a process may hold), and even
 * with the node in a process of its own, 10,000 JDK WebSocket clients plus their handshakes are
 * minutes of CPU on a shared 2-core machine. What is under test sits behind the transports —
 * one shared read per channel in the Hub — and the transports are covered by the other fault
 * scenarios, so sessions without sockets test the same thing, soundly and in seconds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedHistoryReadIT extends SocketlessNode {
    private static final int SUBSCRIBERS = 10_000;
    private static final int BATCH = 500;

    @Test
    void oneLostAnnouncementAmongTenThousandSubscribersCostsOneHistoryRead(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:crowd";
        SessionContext ctx = context;
        ClientIdentity identity = new ClientIdentity("crowd", tenant, 0,
                List.of(ChannelPattern.parse("room:*")), List.of());
        List<RecordingConnection> connections = new ArrayList<>();
        // in batches, as clients trickle in: what is counted below is the lost announcement, not
        // a stampede of first subscribes
        for (int batch = 0; batch < SUBSCRIBERS / BATCH; batch++) {
            List<RecordingConnection> joining = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                RecordingConnection connection = new RecordingConnection(loops.get(i % loops.size()));
                ClientSession session = new ClientSession(connection, identity, ctx);
                connection.executor().execute(() -> subscribe(session, channel));
                joining.add(connection);
            }
            await().atMost(FaultRig.WAIT).until(() -> joining.stream().allMatch(c -> answered(c)));
            for (RecordingConnection c : joining) {
                assertThat(c.of(ServerMessage.ErrorReply.class)).as("subscribe answers").isEmpty();
            }
            connections.addAll(joining);
        }
        String first = rig.publish(0, tenant, channel, "{\"n\":1}");
        await().atMost(FaultRig.WAIT).until(() -> connections.stream().allMatch(c -> ids(c).contains(first)));
        double before = historyReads(node);

        UnannouncedPublisher unannounced = UnannouncedPublisher.load(server);
        long fcallsBefore = functionCalls(server);
        String lost = unannounced.publish(tenant, channel, "{\"n\":2}");
        String next = rig.publish(0, tenant, channel, "{\"n\":3}");
        await().atMost(FaultRig.WAIT).until(() -> connections.stream().allMatch(c -> ids(c).contains(next)));
        // Redis's own count, whatever the node reports: every history read is one FCALL, and so
        // are the two publications (nothing else calls a function: no position check, no epoch change)
        assertThat(functionCalls(server) - fcallsBefore - 2).as("history reads Redis served").isEqualTo(1);

        for (RecordingConnection c : connections) {
            assertThat(ids(c)).containsExactly(first, lost, next);
            assertThat(c.of(ServerMessage.Gap.class)).isEmpty();
            assertThat(c.closedWith).isNull();
        }
        double after = historyReads(node);
        assertThat(after).as("the Hub counts broker history reads as rtgw_history_reads_total").isNotNaN();
        assertThat(after - before).as("rtgw_history_reads_total for one skipped offset").isEqualTo(1.0);
    }

    /** The one call that names the subscribe signature (a {@code ref} joins it with the replies work). */
    private static void subscribe(ClientSession session, String channel) {
        session.subscribe(channel, null, null);
    }

    /** @return NaN while the node does not export the counter */
    private static double historyReads(RunningGateway node) throws Exception {
        Exposition metrics = Exposition.parse(node.get(node.admin("/metrics")).body());
        if (!metrics.names().contains("rtgw_history_reads_total")) {
            return Double.NaN;
        }
        return metrics.named("rtgw_history_reads_total").stream().mapToDouble(Exposition.Sample::value).sum();
    }
}
