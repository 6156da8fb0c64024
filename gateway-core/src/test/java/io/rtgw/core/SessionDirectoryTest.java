package io.rtgw.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions list themselves by tenant and user while they run, also across a refresh. */
class SessionDirectoryTest {
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final Broker broker = new InMemoryBroker(HistoryPolicies.uniform(new HistoryPolicy(10, Duration.ofMinutes(1))));
    private final SessionDirectory directory = new SessionDirectory();
    private ClientIdentity refreshedTo;

    @AfterEach
    void stop() {
        loop.shutdownNow();
        broker.close();
    }

    private SessionContext context() throws Exception {
        Hub hub = new Hub(broker, loop, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        return new SessionContext(hub, broker, token -> CompletableFuture.completedFuture(refreshedTo),
                GatewayObserver.NOOP, SessionSettings.DEFAULTS, directory);
    }

    private static ClientIdentity id(String tenant, String user, long iat) {
        return new ClientIdentity(user, tenant, 0, List.of(), List.of(), iat, null);
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(30, TimeUnit.SECONDS);
    }

    @Test
    void sessionsAreListedByTenantAndUserAndCountedUntilTheyClose() throws Exception {
        SessionContext ctx = context();
        ClientSession a1 = new ClientSession(new RecordingConnection(loop, "a1"), id("acme", "alice", 1), ctx);
        ClientSession a2 = new ClientSession(new RecordingConnection(loop, "a2"), id("acme", "alice", 1), ctx);
        ClientSession b = new ClientSession(new RecordingConnection(loop, "b"), id("acme", "bob", 1), ctx);
        ClientSession other = new ClientSession(new RecordingConnection(loop, "o"), id("beta", "alice", 1), ctx);
        assertThat(directory.size()).as("listed when they start, not before").isZero();
        onLoop(() -> List.of(a1, a2, b, other).forEach(ClientSession::start));

        assertThat(directory.size()).isEqualTo(4);
        assertThat(directory.sessionsOf("acme", "alice")).containsExactlyInAnyOrder(a1, a2);
        assertThat(directory.sessionsOf("acme")).containsExactlyInAnyOrder(a1, a2, b);
        assertThat(directory.sessionsOf("acme", "nobody")).isEmpty();
        assertThat(directory.sessionsOf("nowhere")).isEmpty();
        assertThat(directory.connectionsByTenant()).isEqualTo(Map.of(
                "acme", Map.of("alice", 2, "bob", 1), "beta", Map.of("alice", 1)));

        onLoop(() -> {
            a1.closed();
            a1.closed(); // once only
            b.closed();
        });
        assertThat(directory.size()).isEqualTo(2);
        assertThat(directory.sessionsOf("acme", "alice")).containsExactly(a2);
        assertThat(directory.connectionsByTenant()).isEqualTo(Map.of("acme", Map.of("alice", 1), "beta", Map.of("alice", 1)));
        onLoop(() -> {
            a2.closed();
            other.closed();
        });
        assertThat(directory.size()).isZero();
        assertThat(directory.connectionsByTenant()).isEmpty();
    }

    @Test
    void aRefreshedSessionStaysListedAndIsRemovedOnClose() throws Exception {
        SessionContext ctx = context();
        RecordingConnection connection = new RecordingConnection(loop, "a");
        ClientSession session = new ClientSession(connection, id("acme", "alice", 1), ctx);
        onLoop(session::start);
        refreshedTo = id("acme", "alice", 2);
        onLoop(() -> session.refresh("fresh"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !connection.of(ServerMessage.Refreshed.class).isEmpty());
        assertThat(session.identity().issuedAt()).isEqualTo(2);
        assertThat(directory.sessionsOf("acme", "alice")).containsExactly(session);
        onLoop(session::closed);
        assertThat(directory.size()).isZero();
        assertThat(directory.sessionsOf("acme", "alice")).isEmpty();
    }

    @Test
    void aDisconnectReachesClientsBetweenRequestsThroughTheTransportsHook() {
        assertThat(directory.disconnectBetweenRequests("acme", "alice", DisconnectReason.DISCONNECTED))
                .as("no such transport: none").isZero();
        assertThat(directory.unsubscribeBetweenRequests("acme", "alice", "room:1")).isZero();
        directory.betweenRequests(new SessionDirectory.BetweenRequests() {
            @Override
            public int disconnect(String tenant, String user, DisconnectReason reason) {
                return tenant.equals("acme") && reason == DisconnectReason.REVOKED ? 2 : 0;
            }

            @Override
            public int unsubscribe(String tenant, String user, String channel) {
                return channel.equals("room:1") ? 1 : 0;
            }
        });
        assertThat(directory.disconnectBetweenRequests("acme", "alice", DisconnectReason.REVOKED)).isEqualTo(2);
        assertThat(directory.unsubscribeBetweenRequests("acme", "alice", "room:1")).isEqualTo(1);
    }
}
