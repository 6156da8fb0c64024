package io.rtgw.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Hub;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionDirectory;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server API's commands applied to a node's sessions, each on its own thread (docs/protocol.md §7). */
class NodeControlTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final Broker broker = new InMemoryBroker(HistoryPolicies.uniform(new HistoryPolicy(10, Duration.ofMinutes(1))));
    private final SessionDirectory directory = new SessionDirectory();
    private final RevocationSet revocations = new RevocationSet(Duration.ofHours(24), Duration.ofSeconds(30),
            Clock.systemUTC());
    private final NodeControl control = new NodeControl(directory, revocations);
    private final List<RecordingConnection> connections = new ArrayList<>();
    private SessionContext ctx;

    @AfterEach
    void stop() {
        loop.shutdownNow();
        broker.close();
    }

    private void startNode() throws Exception {
        Hub hub = new Hub(broker, loop, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        ctx = new SessionContext(hub, broker, token -> CompletableFuture.failedFuture(new IllegalStateException()),
                GatewayObserver.NOOP, SessionSettings.DEFAULTS, directory);
    }

    private RecordingConnection connect(String tenant, String user, long iat, String jti, String... channels)
            throws Exception {
        RecordingConnection c = new RecordingConnection(loop, tenant + "/" + user + "/" + connections.size());
        ClientIdentity id = new ClientIdentity(user, tenant, 0,
                java.util.Arrays.stream(channels).map(ChannelPattern::parse).toList(), List.of(), iat, jti);
        ClientSession s = new ClientSession(c, id, ctx);
        loop.submit(() -> {
            s.start();
            for (String channel : channels) {
                s.subscribe(channel, null, null);
            }
        }).get(30, TimeUnit.SECONDS);
        connections.add(c);
        return c;
    }

    private static int applied(CompletableFuture<Integer> f) throws Exception {
        return f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aDisconnectClosesTheUsersConnectionsOrOneClientAndCountsThem() throws Exception {
        startNode();
        RecordingConnection a1 = connect("acme", "alice", 1, null);
        RecordingConnection a2 = connect("acme", "alice", 1, null);
        RecordingConnection bob = connect("acme", "bob", 1, null);
        RecordingConnection otherTenant = connect("beta", "alice", 1, null);

        assertThat(applied(control.apply(new ControlCommand.Disconnect("acme", "alice", a2.id(), true)))).isEqualTo(1);
        assertThat(a2.closedWith).isEqualTo(DisconnectReason.DISCONNECTED_RECONNECT);
        assertThat(a1.closedWith).isNull();
        assertThat(applied(control.apply(new ControlCommand.Disconnect("acme", "alice", "no-such", false)))).isZero();
        assertThat(applied(control.apply(new ControlCommand.Disconnect("acme", "alice", null, false)))).isEqualTo(2);
        assertThat(a1.closedWith).isEqualTo(DisconnectReason.DISCONNECTED);
        assertThat(bob.closedWith).isNull();
        assertThat(otherTenant.closedWith).isNull();
        assertThat(applied(control.apply(new ControlCommand.Disconnect("acme", "nobody", null, false))))
                .as("a user with no connections: 0, not an error").isZero();
    }

    @Test
    void aServerUnsubscribeEndsTheChannelOfTheUsersConnectionsThatHaveIt() throws Exception {
        startNode();
        RecordingConnection with = connect("acme", "alice", 1, null, "room:1");
        RecordingConnection without = connect("acme", "alice", 1, null, "room:2");
        await().atMost(PATIENCE).until(() -> with.of(ServerMessage.Subscribed.class).size() == 2);
        assertThat(applied(control.apply(new ControlCommand.Unsubscribe("acme", "alice", "room:1")))).isEqualTo(1);
        assertThat(with.of(ServerMessage.Unsubscribed.class)).containsExactly(
                new ServerMessage.Unsubscribed("room:1", ServerMessage.UnsubscribeReason.SERVER, null));
        assertThat(without.of(ServerMessage.Unsubscribed.class)).isEmpty();
        assertThat(with.closedWith).isNull();
    }

    @Test
    void aRevocationClosesTheConnectionsItCoversAndALiftLetsNewTokensIn() throws Exception {
        startNode();
        revocations.replaceAll(List.of());
        RecordingConnection old = connect("acme", "alice", 100, "j1");
        RecordingConnection fresh = connect("acme", "alice", 300, "j2");
        RecordingConnection stolen = connect("acme", "bob", 300, "j3");
        assertThat(applied(control.apply(new ControlCommand.Revoke(Revocation.ofUser("acme", "alice", 200)))))
                .isEqualTo(1);
        assertThat(old.closedWith).isEqualTo(DisconnectReason.REVOKED);
        assertThat(fresh.closedWith).isNull();
        long exp = System.currentTimeMillis() / 1000 + 3600;
        assertThat(applied(control.apply(new ControlCommand.Revoke(Revocation.ofToken("acme", "j3", exp))))).isEqualTo(1);
        assertThat(stolen.closedWith).isEqualTo(DisconnectReason.REVOKED);
        assertThat(revocations.size()).isEqualTo(2);
        assertThat(applied(control.apply(new ControlCommand.Lift(Revocation.ofToken("acme", "j3", exp))))).isZero();
        assertThat(revocations.size()).isEqualTo(1);
    }

    @Test
    void revokingAUserWithNoConnectionsOnThisNodeStoresItAndCountsZero() throws Exception {
        startNode();
        revocations.replaceAll(List.of());
        connect("acme", "alice", 100, null);
        // Before: the directory's empty answer is immutable, filtering it threw, and the node
        // never answered the command (the embedded broker's API said 503).
        assertThat(applied(control.apply(new ControlCommand.Revoke(Revocation.ofUser("acme", "nobody", 200)))))
                .isZero();
        assertThat(applied(control.apply(new ControlCommand.Revoke(Revocation.ofUser("no-tenant", "x", 200)))))
                .isZero();
        assertThat(revocations.size()).isEqualTo(2);
    }

    @Test
    void aThousandRevocationsAtOnceAreAllAppliedWhileTheEventLoopKeepsDelivering() throws Exception {
        startNode();
        revocations.replaceAll(List.of());
        RecordingConnection watcher = connect("acme", "watcher", 1, null, "room:live");
        await().atMost(PATIENCE).until(() -> watcher.of(ServerMessage.Subscribed.class).size() == 2);
        List<RecordingConnection> revoked = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            revoked.add(connect("acme", "u" + i, 1, "jti-" + i));
        }
        long exp = System.currentTimeMillis() / 1000 + 3600;
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        int published = 0;
        for (int i = 0; i < 1000; i++) {
            // half by user, half by token: a token revocation names no user and must not cost a task per session
            Revocation r = i % 2 == 0 ? Revocation.ofUser("acme", "u" + i, 2) : Revocation.ofToken("acme", "jti-" + i, exp);
            results.add(control.apply(new ControlCommand.Revoke(r)));
            if (i % 100 == 0) {
                broker.publish(new PublishRequest(ChannelName.of("acme", "room:live"), null, "" + i, null));
                published++;
            }
        }
        int expected = published;
        await().atMost(PATIENCE).until(() -> watcher.dataOf("room:live").size() == expected);
        int total = 0;
        for (CompletableFuture<Integer> f : results) {
            total += applied(f);
        }
        assertThat(total).isEqualTo(1000);
        assertThat(revoked).allSatisfy(c -> assertThat(c.closedWith).isEqualTo(DisconnectReason.REVOKED));
        assertThat(watcher.closedWith).isNull();
        assertThat(revocations.size()).isEqualTo(1000);
    }

    @Test
    void startLoadsTheStoredRevocationsSoTheNodeCanAdmit() throws Exception {
        LocalControlPlane plane = new LocalControlPlane(Duration.ofHours(24), Duration.ofSeconds(30), Clock.systemUTC());
        plane.storeRevocation(Revocation.ofUser("acme", "alice", System.currentTimeMillis() / 1000)).get();
        assertThat(revocations.loaded()).isFalse();
        control.start("n1", plane).get(30, TimeUnit.SECONDS);
        assertThat(revocations.loaded()).isTrue();
        assertThat(revocations.of("acme")).singleElement().extracting(Revocation::user).isEqualTo("alice");
        plane.close();
    }
}
