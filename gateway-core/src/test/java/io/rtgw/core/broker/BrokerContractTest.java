package io.rtgw.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link Broker}, run against every implementation. A subclass supplies a fresh
 * broker with the given history policies, and a way to lose all history (a process restart for
 * the in-memory broker, FLUSHALL for Redis).
 */
public abstract class BrokerContractTest {
    private static final AtomicInteger TENANTS = new AtomicInteger();
    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected Broker broker;
    protected final RecordingListener listener = new RecordingListener();
    protected String tenant;

    /** A started-ready (not yet started) broker using these policies. */
    protected abstract Broker newBroker(HistoryPolicies policies);

    /** Make the broker lose every channel's history and position; returns the broker to use next. */
    protected abstract Broker loseHistory(Broker broker, HistoryPolicies policies) throws Exception;

    protected HistoryPolicies policies() {
        return new HistoryPolicies(new HistoryPolicy(5, Duration.ofMinutes(10)),
                Map.of("short", new HistoryPolicy(100, Duration.ofSeconds(1)),
                        "big", new HistoryPolicy(1000, Duration.ofMinutes(10))));
    }

    @BeforeEach
    void startBroker() throws Exception {
        tenant = "t" + TENANTS.incrementAndGet() + "x" + System.nanoTime() % 100000;
        broker = newBroker(policies());
        broker.start(listener).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    protected ChannelName channel(String name) {
        return ChannelName.of(tenant, name);
    }

    protected StreamPosition publish(ChannelName channel, String data) throws Exception {
        return broker.publish(new PublishRequest(channel, "ev", data, null)).get(10, TimeUnit.SECONDS);
    }

    protected HistoryResult history(ChannelName channel, StreamPosition since, int limit) throws Exception {
        return broker.history(channel, since, limit).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNewChannelHasAPositionBeforeItsFirstMessage() throws Exception {
        HistoryResult head = history(channel("room:new"), null, 10);
        assertThat(head.head().offset()).isZero();
        assertThat(head.publications()).isEmpty();
        // resuming from that position is a full recovery, and the first message follows it
        StreamPosition first = publish(channel("room:new"), "1");
        assertThat(first).isEqualTo(head.head().next());
        HistoryResult after = history(channel("room:new"), head.head(), 10);
        assertThat(after.recovered()).isTrue();
        assertThat(after.publications()).extracting(Publication::position).containsExactly(first);
    }

    @Test
    void subscribedChannelsDeliverInOrderWithEventAndData() throws Exception {
        ChannelName room = channel("room:1");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        List<StreamPosition> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(publish(room, "{\"n\":" + i + "}"));
        }
        await().atMost(WAIT).until(() -> listener.of(room).size() == 20);
        List<Publication> got = listener.of(room);
        assertThat(got).extracting(Publication::position).containsExactlyElementsOf(ids);
        assertThat(got.get(3).data()).isEqualTo("{\"n\":3}");
        assertThat(got.get(3).event()).isEqualTo("ev");
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i).offset()).isEqualTo(ids.get(i - 1).offset() + 1);
        }
    }

    @Test
    void onlySubscribedChannelsAreDeliveredAndUnsubscribeStopsDelivery() throws Exception {
        ChannelName on = channel("room:on");
        ChannelName off = channel("room:off");
        broker.subscribe(on).get(10, TimeUnit.SECONDS);
        publish(off, "1");
        publish(on, "2");
        await().atMost(WAIT).until(() -> listener.of(on).size() == 1);
        broker.unsubscribe(on).get(10, TimeUnit.SECONDS);
        publish(on, "3");
        // a marker on a subscribed channel proves the broker had time to deliver "3" had it wanted to
        ChannelName marker = channel("room:marker");
        broker.subscribe(marker).get(10, TimeUnit.SECONDS);
        publish(marker, "\"m\"");
        await().atMost(WAIT).until(() -> listener.of(marker).size() == 1);
        assertThat(listener.of(on)).hasSize(1);
        assertThat(listener.of(off)).isEmpty();
    }

    @Test
    void tenantsWithTheSameChannelNameAreSeparate() throws Exception {
        ChannelName mine = channel("room:1");
        ChannelName theirs = ChannelName.of(tenant + "other", "room:1");
        broker.subscribe(mine).get(10, TimeUnit.SECONDS);
        publish(theirs, "\"theirs\"");
        StreamPosition id = publish(mine, "\"mine\"");
        await().atMost(WAIT).until(() -> listener.of(mine).size() == 1);
        assertThat(listener.of(mine).get(0).data()).isEqualTo("\"mine\"");
        assertThat(id.offset()).isEqualTo(1);
        assertThat(history(theirs, null, 10).head().offset()).isEqualTo(1);
    }

    @Test
    void historyReturnsWhatFollowsSinceUpToTheLimit() throws Exception {
        ChannelName room = channel("room:h");
        StreamPosition start = history(room, null, 0).head();
        List<StreamPosition> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(publish(room, String.valueOf(i)));
        }
        HistoryResult all = history(room, start, 100);
        assertThat(all.recovered()).isTrue();
        assertThat(all.head()).isEqualTo(ids.get(4));
        assertThat(all.publications()).extracting(Publication::data).containsExactly("0", "1", "2", "3", "4");
        HistoryResult page = history(room, ids.get(1), 2);
        assertThat(page.recovered()).isTrue();
        assertThat(page.publications()).extracting(Publication::position).containsExactly(ids.get(2), ids.get(3));
        HistoryResult none = history(room, ids.get(4), 100);
        assertThat(none.recovered()).isTrue();
        assertThat(none.publications()).isEmpty();
    }

    @Test
    void trimmedHistoryIsAGapNeverASilentHole() throws Exception {
        ChannelName room = channel("room:trim"); // default policy keeps 5
        StreamPosition start = history(room, null, 0).head();
        List<StreamPosition> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(publish(room, String.valueOf(i)));
        }
        assertThat(history(room, start, 100).recovered()).isFalse();
        assertThat(history(room, ids.get(2), 100).recovered()).isFalse();
        HistoryResult recent = history(room, ids.get(8), 100);
        assertThat(recent.recovered()).isTrue();
        assertThat(recent.publications()).extracting(Publication::data).containsExactly("9", "10", "11");
    }

    @Test
    void aPositionFromTheFutureOrAnotherEpochIsAGap() throws Exception {
        ChannelName room = channel("room:e");
        StreamPosition id = publish(room, "1");
        assertThat(history(room, new StreamPosition(id.epoch(), 99), 10).recovered()).isFalse();
        String otherEpoch = id.epoch().equals("zz") ? "yy" : "zz";
        assertThat(history(room, new StreamPosition(otherEpoch, 1), 10).recovered()).isFalse();
    }

    @Test
    void lostHistoryStartsANewEpochSoOldIdsGiveAGap() throws Exception {
        ChannelName room = channel("room:epoch");
        publish(room, "1");
        StreamPosition old = publish(room, "2");
        broker = loseHistory(broker, policies());
        StreamPosition fresh = publish(room, "3");
        assertThat(fresh.epoch()).isNotEqualTo(old.epoch());
        HistoryResult result = history(room, old, 10);
        assertThat(result.recovered()).isFalse();
        assertThat(result.publications()).isEmpty();
    }

    @Test
    void aQuietChannelKeepsItsPositionAfterItsHistoryAgesOut() throws Exception {
        ChannelName room = channel("short:quiet"); // ttl 1 s
        StreamPosition before = history(room, null, 0).head();
        publish(room, "1");
        StreamPosition last = publish(room, "2");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> history(room, before, 10).publications().isEmpty());
        assertThat(history(room, before, 10).recovered()).isFalse();
        HistoryResult fromNewest = history(room, last, 10);
        assertThat(fromNewest.recovered()).isTrue();
        assertThat(fromNewest.head()).isEqualTo(last);
        assertThat(publish(room, "3")).isEqualTo(last.next());
    }

    @Test
    void anIdempotencyKeyPublishesOnce() throws Exception {
        ChannelName room = channel("room:idem");
        ChannelName other = channel("room:idem2");
        StreamPosition first = broker.publish(new PublishRequest(room, null, "1", "k1")).get(10, TimeUnit.SECONDS);
        StreamPosition again = broker.publish(new PublishRequest(room, null, "1", "k1")).get(10, TimeUnit.SECONDS);
        StreamPosition elsewhere = broker.publish(new PublishRequest(other, null, "1", "k1")).get(10, TimeUnit.SECONDS);
        assertThat(again).isEqualTo(first);
        assertThat(elsewhere.offset()).isEqualTo(1);
        assertThat(history(room, null, 0).head()).isEqualTo(first);
        HistoryResult all = history(room, StreamPosition.start(first.epoch()), 10);
        assertThat(all.publications()).hasSize(1);
        assertThat(all.publications().get(0).event()).isEqualTo(PublishRequest.DEFAULT_EVENT);
    }

    @Test
    void concurrentPublishersGetDistinctConsecutiveIdsDeliveredInOrder() throws Exception {
        ChannelName room = channel("big:busy");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        int threads = 4;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<StreamPosition>> futures = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        futures.add(broker.publish(new PublishRequest(room, "ev", "\"" + thread + "-" + i + "\"", null)));
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        await().atMost(WAIT).until(() -> listener.of(room).size() == threads * each);
        List<Publication> got = listener.of(room);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).position().offset()).isEqualTo(i + 1);
        }
        // each publisher's own messages stay in its order
        for (int t = 0; t < threads; t++) {
            String prefix = "\"" + t + "-";
            List<String> mine = got.stream().map(Publication::data).filter(d -> d.startsWith(prefix)).toList();
            for (int i = 0; i < each; i++) {
                assertThat(mine.get(i)).isEqualTo(prefix + i + "\"");
            }
        }
        HistoryResult history = history(room, StreamPosition.start(got.get(0).position().epoch()), 1000);
        assertThat(history.publications()).extracting(Publication::position)
                .containsExactlyElementsOf(got.stream().map(Publication::position).toList());
    }

    /** Collects what the broker reports, per channel. */
    public static final class RecordingListener implements BrokerListener {
        private final Map<ChannelName, List<Publication>> received = new ConcurrentHashMap<>();
        public final AtomicInteger ups = new AtomicInteger();
        public final AtomicInteger downs = new AtomicInteger();

        @Override
        public void onPublication(Publication publication) {
            received.computeIfAbsent(publication.channel(), c -> new CopyOnWriteArrayList<>()).add(publication);
        }

        @Override
        public void onBrokerDown() {
            downs.incrementAndGet();
        }

        @Override
        public void onBrokerUp() {
            ups.incrementAndGet();
        }

        public List<Publication> of(ChannelName channel) {
            return List.copyOf(received.getOrDefault(channel, List.of()));
        }
    }
}
