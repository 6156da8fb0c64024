package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RTGW_EVENTS=redis} on two nodes and one real redis-server (docs/protocol.md §10): the
 * state that says "anywhere in the fleet" is shared, so a user on both nodes is online once, and
 * offline once, after the grace period, when the last connection anywhere has gone.
 */
@Timeout(180)
class EventsRedisIT {
    /** Long enough that a reconnect on a busy machine still falls inside it. */
    static final String GRACE = "8s";
    static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    private static RunningGateway a;
    private static RunningGateway b;
    private static EventStreamReader stream;

    static String[] settings(String grace) {
        return new String[]{"RTGW_EVENTS", "redis", "RTGW_EVENTS_GRACE", grace, "RTGW_PRESENCE_INTERVAL", "500ms"};
    }

    @BeforeAll
    static void start() throws Exception {
        a = RedisE2e.node(redis.server().uri(), settings(GRACE));
        b = RedisE2e.node(redis.server().uri(), settings(GRACE));
        stream = EventStreamReader.standalone(redis.server().uri());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{a, b, stream}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aUserOnTwoNodesIsOnlineOnceAndOfflineOnceAfterTheLastConnection() throws Exception {
        String tenant = redis.tenant();
        String jwt = token("alice", tenant, "room:*");
        try (WsClient onA = WsClient.connect(a.ws(), jwt); WsClient onB = WsClient.connect(b.ws(), jwt)) {
            onA.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
            onB.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
            onA.subscribed("room:1");
            onB.subscribed("room:1");
            await().atMost(WAIT).until(() -> stream.of(tenant, "connect").size() == 2
                    && stream.of(tenant, "occupied").size() == 2); // room:1 and user:alice
            assertThat(stream.of(tenant, "online", "alice")).hasSize(1);
            assertThat(stream.of(tenant, "connect")).extracting(e -> e.path("node").asText()).doesNotHaveDuplicates();
            onA.close();
            await().atMost(WAIT).until(() -> stream.of(tenant, "disconnect").size() == 1);
        }
        await().atMost(WAIT).until(() -> stream.of(tenant, "offline", "alice").size() == 1
                && stream.of(tenant, "vacated").size() == 2);
        assertThat(stream.of(tenant, "disconnect")).hasSize(2);
        assertThat(stream.of(tenant, "online", "alice")).hasSize(1);
        assertThat(stream.of(tenant, "vacated")).extracting(e -> e.path("channel").asText())
                .containsExactlyInAnyOrder("room:1", "user:alice");
        List<JsonNode> all = stream.all(tenant);
        assertThat(all).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(e -> assertThat(e.path("tenant").asText()).isEqualTo(tenant));
    }

    @Test
    void aReconnectWithinTheGraceGivesNoOfflineOnlinePair() throws Exception {
        String tenant = redis.tenant();
        String jwt = token("bob", tenant, "room:*");
        try (WsClient first = WsClient.connect(a.ws(), jwt)) {
            first.await("welcome", m -> true);
        }
        // the page reloads and comes back through the other node
        try (WsClient again = WsClient.connect(b.ws(), jwt)) {
            again.await("welcome", m -> true);
            await().atMost(WAIT).until(() -> stream.of(tenant, "connect", "bob").size() == 2);
        }
        await().atMost(WAIT).until(() -> stream.of(tenant, "offline", "bob").size() == 1);
        assertThat(stream.of(tenant, "online", "bob")).hasSize(1);
        assertThat(stream.of(tenant, "disconnect", "bob")).hasSize(2);
        // the offline came after every connection ended, never between the two
        List<String> order = stream.all(tenant).stream().map(e -> e.path("type").asText())
                .filter(t -> Set.of("online", "offline").contains(t)).toList();
        assertThat(order).containsExactly("online", "offline");
    }

    /**
     * A node cut off from Redis longer than its lease (here: its lease deleted) may be recovered
     * by a survivor, which reports its users offline; when it renews again it announces them
     * again. Whichever happens first, what the app ends up with is true: online while connected,
     * offline once the user has gone.
     */
    @Test
    void aNodeWhoseLeaseRanOutAnnouncesWhatItHoldsAgain() throws Exception {
        String tenant = redis.tenant();
        try (WsClient ws = WsClient.connect(a.ws(), token("dora", tenant, "room:*"))) {
            ws.await("welcome", m -> true);
            await().atMost(WAIT).until(() -> stream.of(tenant, "online", "dora").size() == 1);
            for (String lease : stream.redis().keys("rtgw:{~events}:lease:*")) {
                stream.redis().del(lease);
            }
            // both nodes renew within an interval; a survivor may have taken node a over meanwhile
            await().atMost(WAIT).until(() -> stream.redis().keys("rtgw:{~events}:lease:*").size() >= 2);
            await().atMost(WAIT).until(() -> lastPresence(tenant, "dora").equals("online"));
        }
        await().atMost(WAIT).until(() -> lastPresence(tenant, "dora").equals("offline"));
        long onlines = stream.of(tenant, "online", "dora").size();
        assertThat(stream.of(tenant, "offline", "dora")).hasSize((int) onlines);
    }

    private static String lastPresence(String tenant, String user) throws Exception {
        List<JsonNode> seen = stream.all(tenant).stream().filter(e -> e.path("user").asText().equals(user))
                .filter(e -> Set.of("online", "offline").contains(e.path("type").asText())).toList();
        return seen.isEmpty() ? "" : seen.get(seen.size() - 1).path("type").asText();
    }
}
