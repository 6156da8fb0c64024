package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.SessionContext;
import io.rtgw.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reconnect storm costs Redis work per channel, not per session (docs/protocol.md §5): sessions
 * resuming one channel from the same position, arriving one group after another as a storm's
 * clients do (and as every long-poll re-poll does), catch up from what the channel's feed
 * forwarded lately; Redis's own count ({@code INFO commandstats}) shows the history reads.
 * Before, every group cost one {@code FCALL rtgw_history} (a read is shared only while in flight
 * and only with sessions registered before it started).
 *
 * <p>Sessions without sockets on a real node, as in {@link SharedHistoryReadIT} (which says why).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisResumeReadsIT extends SocketlessNode {
    private static final int GROUPS = 20;
    private static final int PER_GROUP = 25;
    private static final int MESSAGES = 20;

    @Test
    void resumesOfALiveChannelReadNothingFromRedis(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:live";
        SessionContext ctx = context;
        // the storm's channel is held on the node (a client that stayed, or the linger after the
        // drop): its feed forwarded every publication below
        RecordingConnection holder = join(ctx, tenant, channel, null);
        List<String> ids = publish(tenant, channel, MESSAGES);
        await().atMost(FaultRig.WAIT).until(() -> ids(holder).size() == MESSAGES);

        long readsBefore = historyReads(server);
        List<RecordingConnection> resumed = resumeInGroups(ctx, tenant, channel, ids.get(4));
        assertThat(historyReads(server) - readsBefore).as("rtgw_history calls for %d resumes", GROUPS * PER_GROUP)
                .isZero();
        assertGapless(resumed, ids.subList(5, MESSAGES));
    }

    @Test
    void resumesOfAChannelNewToTheNodeCostOneReadForAllGroups(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:fresh";
        SessionContext ctx = context;
        // published while nobody on the node held the channel (the node restarted, or the clients
        // moved to it from another): the first resume reads, the next ones build on that read
        List<String> ids = publish(tenant, channel, MESSAGES);

        long readsBefore = historyReads(server);
        RecordingConnection first = join(ctx, tenant, channel, ids.get(4));
        List<RecordingConnection> resumed = resumeInGroups(ctx, tenant, channel, ids.get(4));
        // the head read before the broker subscription, and the first session's catch-up
        assertThat(historyReads(server) - readsBefore).as("rtgw_history calls for %d resumes", GROUPS * PER_GROUP + 1)
                .isEqualTo(2);
        resumed.add(first);
        assertGapless(resumed, ids.subList(5, MESSAGES));

        // publications after the resumes reach everyone, once, in order
        List<String> more = publish(tenant, channel, 3);
        await().atMost(FaultRig.WAIT).until(() -> resumed.stream().allMatch(c -> ids(c).size() == MESSAGES - 5 + 3));
        List<String> all = new ArrayList<>(ids.subList(5, MESSAGES));
        all.addAll(more);
        assertGapless(resumed, all);
    }

    @Test
    void aResumeFromBeyondTheKeptPublicationsStillReadsAndIsGapless(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:older";
        SessionContext ctx = context;
        List<String> early = publish(tenant, channel, 5);
        RecordingConnection holder = join(ctx, tenant, channel, null);
        List<String> later = publish(tenant, channel, 5);
        await().atMost(FaultRig.WAIT).until(() -> ids(holder).size() == 5);

        // from before the holder's subscribe: what the feed forwarded does not reach back there
        long readsBefore = historyReads(server);
        RecordingConnection old = join(ctx, tenant, channel, early.get(1));
        assertThat(historyReads(server) - readsBefore).isEqualTo(1);
        List<String> expected = new ArrayList<>(early.subList(2, 5));
        expected.addAll(later);
        assertGapless(List.of(old), expected);
        // and that read is kept: the next resume from there or later needs none
        RecordingConnection next = join(ctx, tenant, channel, early.get(2));
        assertThat(historyReads(server) - readsBefore).isEqualTo(1);
        assertGapless(List.of(next), expected.subList(1, expected.size()));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> publish(String tenant, String channel, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(rig.publish(0, tenant, channel, "{\"n\":" + i + "}"));
        }
        return ids;
    }

    /** Groups of sessions resuming from {@code since}, each group once the previous one is answered. */
    private static List<RecordingConnection> resumeInGroups(SessionContext ctx, String tenant, String channel,
                                                            String since) {
        List<RecordingConnection> all = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            List<RecordingConnection> group = new ArrayList<>();
            for (int i = 0; i < PER_GROUP; i++) {
                group.add(start(ctx, tenant, channel, since, loops.get(i % loops.size())));
            }
            await().atMost(FaultRig.WAIT).until(() -> group.stream().allMatch(SocketlessNode::answered));
            all.addAll(group);
        }
        return all;
    }

    private static RecordingConnection join(SessionContext ctx, String tenant, String channel, String since) {
        RecordingConnection c = start(ctx, tenant, channel, since, loops.get(0));
        await().atMost(FaultRig.WAIT).until(() -> answered(c));
        return c;
    }

    private static RecordingConnection start(SessionContext ctx, String tenant, String channel, String since,
                                             ScheduledExecutorService loop) {
        ClientIdentity identity = new ClientIdentity("storm", tenant, 0,
                List.of(ChannelPattern.parse("room:*")), List.of());
        RecordingConnection connection = new RecordingConnection(loop);
        ClientSession session = new ClientSession(connection, identity, ctx);
        connection.executor().execute(() -> session.subscribe(channel, since, null));
        return connection;
    }

    private static void assertGapless(List<RecordingConnection> connections, List<String> expected) {
        await().atMost(FaultRig.WAIT).until(() -> connections.stream().allMatch(c -> ids(c).size() >= expected.size()));
        for (RecordingConnection c : connections) {
            assertThat(c.of(ServerMessage.ErrorReply.class)).isEmpty();
            assertThat(c.of(ServerMessage.Gap.class)).isEmpty();
            assertThat(c.of(ServerMessage.Subscribed.class)).singleElement()
                    .satisfies(s -> assertThat(s.recovered()).isTrue());
            assertThat(ids(c)).containsExactlyElementsOf(expected);
            assertThat(c.closedWith).isNull();
        }
    }

    /**
     * FCALLs so far, as Redis counts them: history reads, since nothing is published while they
     * are counted and the node checks no positions.
     */
    private static long historyReads(RedisServer server) {
        return functionCalls(server);
    }
}
