package io.rtgw.core.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Hub;
import io.rtgw.core.Publication;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.PresenceReply;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence and join/leave as sessions see them (docs/protocol.md §9), on one node with the
 * embedded broker: namespace {@code chat} has presence and join/leave, {@code live} join/leave
 * only, {@code room} neither.
 */
class PresenceSessionTest {
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final InMemoryBroker broker = new InMemoryBroker(new HistoryPolicies(
            new HistoryPolicy(100, Duration.ofMinutes(5)), Map.of()));
    private final InMemoryPresenceStore store = new InMemoryPresenceStore();
    private PresenceTracker tracker;
    private SessionContext ctx;

    @BeforeEach
    void start() throws Exception {
        Hub hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        tracker = new PresenceTracker(store, Duration.ofSeconds(10), GatewayObserver.NOOP).start();
        Presence presence = new Presence(Set.of("chat")::contains, Set.of("chat", "live")::contains, tracker, broker,
                GatewayObserver.NOOP);
        ctx = new SessionContext(hub, broker, token -> CompletableFuture.failedFuture(
                new AuthenticationException(AuthFailure.INVALID, "bad")), GatewayObserver.NOOP,
                SessionSettings.DEFAULTS, new SessionDirectory(), presence);
    }

    @AfterEach
    void stop() {
        tracker.close();
        loop.shutdownNow();
        timer.shutdownNow();
    }

    private record Client(ClientSession session, RecordingConnection connection) {
    }

    private Client connect(String id, String user, String info) throws Exception {
        RecordingConnection c = new RecordingConnection(loop, id);
        ClientIdentity identity = new ClientIdentity(user, "acme", 0,
                List.of(ChannelPattern.parse("chat:*"), ChannelPattern.parse("room:*"), ChannelPattern.parse("live:*")),
                List.of(), 0, null, info);
        ClientSession s = new ClientSession(c, identity, ctx);
        onLoop(s::start);
        return new Client(s, c);
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    private static void subscribed(Client c, String channel) {
        await().until(() -> c.connection().of(Subscribed.class).stream().anyMatch(s -> s.channel().equals(channel)));
    }

    private static List<Publication> events(Client c, String channel, String event) {
        return c.connection().of(Publication.class).stream()
                .filter(p -> p.channel().name().equals(channel) && p.event().equals(event)).toList();
    }

    @Test
    void thePresenceCommandListsEverySubscribedConnectionWithItsInfo() throws Exception {
        Client alice = connect("c-alice", "alice", "{\"name\":\"Alice\"}");
        Client bob = connect("c-bob", "bob", null);
        onLoop(() -> alice.session().subscribe("chat:1", null, "s1"));
        onLoop(() -> bob.session().subscribe("chat:1", null, "s2"));
        subscribed(alice, "chat:1");
        subscribed(bob, "chat:1");
        onLoop(() -> alice.session().presence("chat:1", "p1"));
        await().until(() -> !alice.connection().of(PresenceReply.class).isEmpty());
        PresenceReply reply = alice.connection().of(PresenceReply.class).get(0);
        assertThat(reply.ref()).isEqualTo("p1");
        assertThat(reply.channel()).isEqualTo("chat:1");
        assertThat(reply.clients()).extracting(PresenceEntry::client, PresenceEntry::user, PresenceEntry::info)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("c-alice", "alice", "{\"name\":\"Alice\"}"),
                        org.assertj.core.groups.Tuple.tuple("c-bob", "bob", null));
        assertThat(reply.clients()).allSatisfy(e -> assertThat(e.since()).isPositive());
    }

    @Test
    void aPresenceCommandRightAfterItsSubscribeSeesTheConnectionItself() throws Exception {
        Client alice = connect("c-alice", "alice", null);
        onLoop(() -> {
            alice.session().subscribe("chat:2", null, "s1");
            alice.session().presence("chat:2", "p1");
        });
        await().until(() -> !alice.connection().of(PresenceReply.class).isEmpty());
        assertThat(alice.connection().of(PresenceReply.class).get(0).clients())
                .extracting(PresenceEntry::client).containsExactly("c-alice");
    }

    @Test
    void notSubscribedIsForbiddenAndANamespaceWithoutPresenceIsABadRequest() throws Exception {
        Client alice = connect("c-alice", "alice", null);
        onLoop(() -> alice.session().subscribe("room:1", null, "s1"));
        subscribed(alice, "room:1");
        onLoop(() -> {
            alice.session().presence("chat:9", "p1");
            alice.session().presence("room:1", "p2");
            alice.session().presence("bad channel", "p3");
        });
        await().until(() -> alice.connection().of(ErrorReply.class).size() == 3);
        List<ErrorReply> errors = alice.connection().of(ErrorReply.class);
        assertThat(errors).extracting(ErrorReply::ref, ErrorReply::channel, ErrorReply::code, ErrorReply::temporary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", "chat:9", "forbidden", false),
                        org.assertj.core.groups.Tuple.tuple("p2", "room:1", "bad_request", false),
                        org.assertj.core.groups.Tuple.tuple("p3", "bad channel", "bad_request", false));
        assertThat(errors.get(1).message()).contains("presence is off");
    }

    @Test
    void joinAndLeaveReachTheOtherSubscribersAsLiveOnlyMessages() throws Exception {
        Client bob = connect("c-bob", "bob", null);
        onLoop(() -> bob.session().subscribe("live:1", null, null));
        subscribed(bob, "live:1");
        Client alice = connect("c-alice", "alice", "{\"name\":\"Alice\"}");
        onLoop(() -> alice.session().subscribe("live:1", null, null));
        await().until(() -> events(bob, "live:1", Presence.JOIN_EVENT).stream()
                .anyMatch(p -> p.data().contains("c-alice")));
        Publication join = events(bob, "live:1", Presence.JOIN_EVENT).stream()
                .filter(p -> p.data().contains("c-alice")).findFirst().orElseThrow();
        assertThat(join.position()).as("live-only: no id").isNull();
        assertThat(join.data()).isEqualTo("{\"client\":\"c-alice\",\"user\":\"alice\",\"info\":{\"name\":\"Alice\"}}");
        assertThat(store.entries(ChannelName.of("acme", "live:1")).get()).as("join_leave alone tracks nothing").isEmpty();

        onLoop(() -> alice.session().unsubscribe("live:1", null));
        await().until(() -> events(bob, "live:1", Presence.LEAVE_EVENT).size() == 1);
        assertThat(events(bob, "live:1", Presence.LEAVE_EVENT).get(0).data()).contains("\"client\":\"c-alice\"");

        onLoop(() -> alice.session().subscribe("live:1", null, null));
        await().until(() -> events(bob, "live:1", Presence.JOIN_EVENT).size() == 3); // bob's own, alice twice
        onLoop(alice.session()::closed);
        await().until(() -> events(bob, "live:1", Presence.LEAVE_EVENT).size() == 2);
        assertThat(broker.history(ChannelName.of("acme", "live:1"), null, 10).get().publications())
                .as("nothing kept in history").isEmpty();
    }

    @Test
    void aClosedConnectionLeavesThePresenceOfEachOfItsChannels() throws Exception {
        Client alice = connect("c-alice", "alice", null);
        onLoop(() -> {
            alice.session().subscribe("chat:1", null, null);
            alice.session().subscribe("chat:2", null, null);
        });
        subscribed(alice, "chat:1");
        subscribed(alice, "chat:2");
        await().until(() -> store.entries(ChannelName.of("acme", "chat:2")).get().size() == 1);
        assertThat(tracker.channelCount()).isEqualTo(2);
        onLoop(alice.session()::closed);
        await().until(() -> store.entries(ChannelName.of("acme", "chat:1")).get().isEmpty()
                && store.entries(ChannelName.of("acme", "chat:2")).get().isEmpty());
        assertThat(tracker.channelCount()).isZero();
    }
}
