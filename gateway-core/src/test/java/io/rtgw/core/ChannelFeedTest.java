package io.rtgw.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed repairs a channel once for all its subscribers (docs/protocol.md §5): a lost
 * announcement, a quiet channel whose head moved, an epoch reset and a nonsensical publication
 * each cost one history read on the node, whatever the number of sessions.
 */
class ChannelFeedTest {
    private static final String TENANT = "acme";
    private static final ChannelName ROOM = ChannelName.of(TENANT, "room:1");
    private final List<ScheduledExecutorService> loops = List.of(Executors.newSingleThreadScheduledExecutor(),
            Executors.newSingleThreadScheduledExecutor());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final CountingObserver observer = new CountingObserver();
    private final ResettableBroker broker = new ResettableBroker();
    private final List<RecordingConnection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Hub hub;

    @AfterEach
    void stop() {
        loops.forEach(ScheduledExecutorService::shutdownNow);
        timer.shutdownNow();
    }

    private void startHub(Duration positionCheck) throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(5), observer, positionCheck, 1000);
        broker.start(hub).get();
    }

    /** A hub whose feeds keep their recent publications for sessions' catch-ups; no position check. */
    private void startHubKeepingRecent() throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(5), observer, Duration.ZERO, 1000, ResettableBroker.POLICIES);
        broker.start(hub).get();
    }

    /** {@code n} sessions subscribed to room:1 (live), spread over two loops. */
    private void subscribe(int n) throws Exception {
        subscribe(n, null);
    }

    /** {@code n} sessions subscribed to room:1, resuming after {@code since} (null: live). */
    private void subscribe(int n, String since) throws Exception {
        List<RecordingConnection> added = startSubscribing(n, since);
        await().until(() -> added.stream().allMatch(c -> !c.of(Subscribed.class).isEmpty()));
    }

    /** {@code n} sessions asking to subscribe to room:1, not waiting for their answers. */
    private List<RecordingConnection> startSubscribing(int n, String since) {
        List<RecordingConnection> added = new java.util.ArrayList<>();
        SessionContext ctx = new SessionContext(hub, broker, t -> null, observer, new SessionSettings(
                Duration.ZERO, Duration.ZERO, Duration.ZERO, 10, false, 1000, 10_000, ns -> true));
        ClientIdentity identity = new ClientIdentity("alice", TENANT, 0, List.of(ChannelPattern.parse("room:*")), List.of());
        for (int i = 0; i < n; i++) {
            ScheduledExecutorService loop = loops.get(i % loops.size());
            RecordingConnection connection = new RecordingConnection(loop);
            added.add(connection);
            ClientSession session = new ClientSession(connection, identity, ctx);
            loop.execute(() -> session.subscribe(ROOM.name(), since, null));
        }
        connections.addAll(added);
        return added;
    }

    private StreamPosition publish(String data) throws Exception {
        return broker.publish(new PublishRequest(ROOM, "ev", data, null)).get(5, TimeUnit.SECONDS);
    }

    private void awaitEveryoneHas(String... data) {
        await().until(() -> connections.stream().allMatch(c -> c.dataOf(ROOM.name()).size() >= data.length));
        for (RecordingConnection c : connections) {
            assertThat(c.dataOf(ROOM.name())).containsExactly(data);
        }
    }

    @Test
    void oneLostAnnouncementAmongAThousandSubscribersCostsOneHistoryRead() throws Exception {
        startHub(Duration.ZERO);
        subscribe(1000);
        broker.drop = p -> p.data().equals("1");
        int readsBefore = observer.historyReads.get();
        publish("1");
        publish("2");
        awaitEveryoneHas("1", "2");
        assertThat(observer.historyReads.get() - readsBefore).isEqualTo(1);
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    @Test
    void aLostAnnouncementRightBeforeTheChannelGoesQuietIsDeliveredByThePositionCheck() throws Exception {
        startHub(Duration.ofMillis(300));
        subscribe(3);
        publish("1");
        awaitEveryoneHas("1");
        broker.drop = p -> p.data().equals("2");
        publish("2");
        awaitEveryoneHas("1", "2");
        assertThat(observer.positionChecks.get()).isPositive();
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    @Test
    void anEpochResetIsOneGapForEverySessionAndOneHistoryRead() throws Exception {
        startHub(Duration.ZERO);
        subscribe(100);
        publish("old");
        awaitEveryoneHas("old");
        int readsBefore = observer.historyReads.get();
        broker.reset();
        publish("new");
        awaitEveryoneHas("old", "new");
        assertThat(observer.historyReads.get() - readsBefore).isEqualTo(1);
        for (RecordingConnection c : connections) {
            assertThat(c.sent).filteredOn(m -> m instanceof Gap || m instanceof Publication)
                    .extracting(m -> m instanceof Gap ? "gap" : ((Publication) m).data())
                    .containsExactly("old", "gap", "new");
        }
    }

    @Test
    void aPublicationClaimingAForeignEpochCostsOneReadAndNoGapNorLoop() throws Exception {
        startHub(Duration.ZERO);
        subscribe(50);
        publish("1");
        awaitEveryoneHas("1");
        int readsBefore = observer.historyReads.get();
        hub.onPublication(new Publication(ROOM, new StreamPosition("forged", 7), "ev", "\"forged\"", 0));
        await().until(() -> observer.historyReads.get() - readsBefore == 1);
        publish("2");
        awaitEveryoneHas("1", "2");
        assertThat(observer.historyReads.get() - readsBefore).isEqualTo(1);
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    @Test
    void aReconnectStormResumingFromOnePositionSharesItsReads() throws Exception {
        startHub(Duration.ZERO);
        StreamPosition since = publish("1");
        publish("2");
        int readsBefore = observer.historyReads.get();
        SessionContext ctx = new SessionContext(hub, broker, t -> null, observer, SessionSettings.DEFAULTS);
        ClientIdentity identity = new ClientIdentity("bob", TENANT, 0, List.of(ChannelPattern.parse("room:*")), List.of());
        ScheduledExecutorService loop = loops.get(0);
        broker.holdCatchUps = true; // as over a network: the first read is still in flight when the rest ask
        loop.submit(() -> {
            for (int i = 0; i < 500; i++) {
                RecordingConnection c = new RecordingConnection(loop);
                connections.add(c);
                new ClientSession(c, identity, ctx).subscribe(ROOM.name(), since.toString(), null);
            }
        }).get();
        loop.submit(() -> { }).get(); // every session has asked for its catch-up by now
        broker.releaseCatchUps();
        awaitEveryoneHas("2");
        // one to learn the head when the channel is first subscribed, one catch-up shared by all
        assertThat(observer.historyReads.get() - readsBefore).isEqualTo(2);
    }

    @Test
    void aPublicationMadeWhileTheChannelIsBeingSubscribedReachesItsFirstSessionsWithoutAnotherOne() throws Exception {
        startHubKeepingRecent();
        StreamPosition before = publish("0");
        // between the head read and the broker subscription: never announced to the node
        broker.beforeSubscribe = () -> broker.publishUnseen(new PublishRequest(ROOM, "ev", "1", null));
        subscribe(1); // its subscribe makes the node subscribe the channel, so it starts before "1"
        subscribe(2, before.toString());
        awaitEveryoneHas("1");
        // and what the feed keeps now leads up to it: later sessions resume without a read
        int readsBefore = observer.historyReads.get();
        subscribe(3, before.toString());
        awaitEveryoneHas("1");
        assertThat(observer.historyReads.get()).isEqualTo(readsBefore);
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    @Test
    void aResyncAskedForWhileAFillIsInFlightReadsAgainAfterIt() throws Exception {
        startHubKeepingRecent();
        subscribe(3);
        publish("1");
        awaitEveryoneHas("1");
        broker.drop = p -> p.data().equals("2") || p.data().equals("4");
        broker.holdCatchUps = true; // the fill of the hole before "3" reads now, answers later
        publish("2");
        publish("3");
        await().until(() -> broker.heldCatchUps.size() == 1);
        publish("4"); // lost after the fill's read, as a full lane drops it and asks for a resync
        hub.onChannelResync(ROOM);
        broker.releaseCatchUps();
        awaitEveryoneHas("1", "2", "3", "4");
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    @Test
    void aSessionResumingWhileTheBrokerIsDownWaitsForItInsteadOfBeingAnsweredFromMemory() throws Exception {
        startHubKeepingRecent();
        subscribe(1);
        StreamPosition first = publish("1");
        awaitEveryoneHas("1"); // followed on live: from now on the feed's memory may answer catch-ups
        hub.onBrokerDown();
        broker.holdCatchUps = true;
        RecordingConnection late = startSubscribing(1, first.toString()).get(0);
        // a subscribe made while the broker is unreachable stays pending (docs/protocol.md §4)
        await().until(() -> broker.heldCatchUps.size() == 1);
        assertThat(late.of(Subscribed.class)).isEmpty();
        hub.onBrokerUp();
        broker.releaseCatchUps();
        await().until(() -> !late.of(Subscribed.class).isEmpty());
        publish("2");
        await().until(() -> late.dataOf(ROOM.name()).size() >= 1);
        assertThat(late.dataOf(ROOM.name())).containsExactly("2");
        assertThat(connections).allMatch(c -> c.of(Gap.class).isEmpty());
    }

    private static final class CountingObserver implements GatewayObserver {
        final AtomicInteger historyReads = new AtomicInteger();
        final AtomicInteger positionChecks = new AtomicInteger();

        @Override
        public void historyRead() {
            historyReads.incrementAndGet();
        }

        @Override
        public void positionCheck() {
            positionChecks.incrementAndGet();
        }
    }

    /**
     * The embedded broker, with two faults a real one has: chosen announcements are lost on the
     * way to the node, and the history can be reset (a new epoch, as after a Redis flush).
     */
    private static final class ResettableBroker extends ForwardingBroker {
        private final Set<ChannelName> subscribed = ConcurrentHashMap.newKeySet();
        private volatile InMemoryBroker inner = newInner();
        private volatile BrokerListener listener;
        static final HistoryPolicies POLICIES =
                new HistoryPolicies(new HistoryPolicy(1000, Duration.ofMinutes(5)), java.util.Map.of());
        volatile Predicate<Publication> drop = p -> false;
        volatile boolean holdCatchUps;
        /** Runs once, at the next subscribe, before it takes effect. */
        volatile Runnable beforeSubscribe;
        final List<Runnable> heldCatchUps = new java.util.concurrent.CopyOnWriteArrayList<>();

        void releaseCatchUps() {
            holdCatchUps = false;
            heldCatchUps.forEach(Runnable::run);
        }

        private static InMemoryBroker newInner() {
            return new InMemoryBroker(POLICIES);
        }

        /** Published while the node does not hear of it. */
        void publishUnseen(PublishRequest request) {
            Predicate<Publication> before = drop;
            drop = p -> true;
            try {
                inner.publish(request).join();
            } finally {
                drop = before;
            }
        }

        void reset() {
            InMemoryBroker fresh = newInner();
            fresh.start(this::announce);
            subscribed.forEach(fresh::subscribe);
            inner = fresh;
        }

        private void announce(Publication p) {
            if (!drop.test(p)) {
                listener.onPublication(p);
            }
        }

        @Override
        protected Broker inner() {
            return inner;
        }

        @Override
        public CompletableFuture<Void> start(BrokerListener l) {
            this.listener = l;
            inner.start(this::announce);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> subscribe(ChannelName channel) {
            Runnable first = beforeSubscribe;
            beforeSubscribe = null;
            if (first != null) {
                first.run();
            }
            subscribed.add(channel);
            return inner.subscribe(channel);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(ChannelName channel) {
            subscribed.remove(channel);
            return inner.unsubscribe(channel);
        }

        @Override
        public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
            if (!holdCatchUps || since == null) {
                return inner.history(channel, since, limit);
            }
            // read now, answered later: what is published meanwhile is not in it, as over a network
            HistoryResult now = inner.history(channel, since, limit).join();
            CompletableFuture<HistoryResult> later = new CompletableFuture<>();
            heldCatchUps.add(() -> later.complete(now));
            return later;
        }
    }
}
