package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis going away, coming back with or without its data, and links dying without a word. */
class OutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendOnly();

    private final RecordingListener listener = new RecordingListener();
    private RedisBroker broker;
    private RedisServer server;
    private ChannelName room;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        if (!server.isRunning()) {
            server.restart();
        }
        broker = new RedisBroker(TestBrokers.config(server.uri(), null).probeTimeout(Duration.ofSeconds(1)).build());
        broker.start(listener).get(30, TimeUnit.SECONDS);
        room = ChannelName.of(redis.tenant(), "room:1");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private String key() {
        return broker.redisKey(room);
    }

    private StreamPosition publish(String data) throws Exception {
        return broker.publish(new PublishRequest(room, "ev", data, null)).get(10, TimeUnit.SECONDS);
    }

    /** Publishes like a careful app: retries with the same idempotency key until acknowledged. */
    private StreamPosition publishUntilAcknowledged(int n) throws InterruptedException {
        PublishRequest request = new PublishRequest(room, "ev", Integer.toString(n), "msg-" + n);
        while (true) {
            try {
                return broker.publish(request).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                Thread.sleep(20); // back-off between attempts, not synchronization
            }
        }
    }

    @Test
    void aRestartWithAppendOnlyKeepsEveryAcknowledgedPublication() throws Exception {
        List<StreamPosition> acknowledged = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 60; i++) {
                    acknowledged.add(publishUntilAcknowledged(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(WAIT).until(() -> acknowledged.size() >= 20);
        server.stop();
        await().atMost(WAIT).until(() -> listener.downs.get() >= 1 && !broker.isUp());
        server.restart();
        await().atMost(WAIT).until(() -> listener.ups.get() >= 2 && broker.isUp());
        publisher.get(60, TimeUnit.SECONDS);

        assertThat(acknowledged).doesNotHaveDuplicates();
        StreamPosition first = acknowledged.get(0);
        HistoryResult history = broker.history(room, StreamPosition.start(first.epoch()), 100).get(10, TimeUnit.SECONDS);
        assertThat(history.recovered()).isTrue();
        assertThat(history.publications()).extracting(Publication::position).containsExactlyElementsOf(acknowledged);
        assertThat(history.publications()).extracting(Publication::data)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 60).mapToObj(Integer::toString).toList());
        // after the outage the node is subscribed again, once
        StreamPosition after = publish("\"after\"");
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> after.equals(p.position())));
        assertThat(server.cli("PUBSUB", "NUMSUB", key())).isEqualTo(key() + "\n1");
    }

    @Test
    void aRestartWithoutPersistenceStartsANewEpochSoResumingGivesAGap() throws Exception {
        publish("1");
        StreamPosition last = publish("2");
        server.restartEmpty();
        await().atMost(WAIT).until(() -> listener.ups.get() >= 2 && broker.isUp());
        HistoryResult resumed = broker.history(room, last, 10).get(10, TimeUnit.SECONDS);
        assertThat(resumed.recovered()).isFalse();
        assertThat(resumed.publications()).isEmpty();
        assertThat(resumed.head().epoch()).isNotEqualTo(last.epoch());
        StreamPosition fresh = publish("3");
        assertThat(fresh).isEqualTo(resumed.head().next());
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> fresh.equals(p.position())));
    }

    @Test
    void aKilledPubSubConnectionIsReplacedAndResubscribed() throws Exception {
        server.cli("CLIENT", "KILL", "TYPE", "pubsub");
        await().atMost(WAIT).until(() -> listener.downs.get() >= 1);
        await().atMost(WAIT).until(() -> listener.ups.get() >= 2 && broker.isUp());
        assertThat(server.cli("PUBSUB", "NUMSUB", key())).isEqualTo(key() + "\n1");
        StreamPosition id = publish("\"still here\"");
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> id.equals(p.position())));
    }

    @Test
    void aSilentPubSubLinkIsFoundByTheProbeAndRebuilt() throws Exception {
        // Nothing is disconnected: only the missing probe round trip can tell.
        server.cli("CLIENT", "PAUSE", "3000", "ALL");
        await().atMost(WAIT).until(() -> listener.downs.get() >= 1);
        assertThat(broker.isUp()).isFalse();
        await().atMost(WAIT).until(() -> listener.ups.get() >= 2 && broker.isUp());
        assertThat(server.cli("PUBSUB", "NUMSUB", key())).isEqualTo(key() + "\n1");
        StreamPosition id = publish("\"back\"");
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> id.equals(p.position())));
    }

    @Test
    void anOffsetRolledBackBelowWhatWasDeliveredMovesTheChannelToANewEpoch() throws Exception {
        for (int i = 1; i <= 5; i++) {
            publish(Integer.toString(i));
        }
        await().atMost(WAIT).until(() -> listener.of(room).size() == 5);
        StreamPosition delivered = listener.of(room).get(4).position();
        // what a failover to a replica that missed the last two writes looks like
        server.cli("HSET", key() + ":m", "o", "3");
        server.cli("XDEL", key() + ":s", "4-0", "5-0");

        HistoryResult afterFailover = broker.history(room, delivered, 10).get(10, TimeUnit.SECONDS);
        assertThat(afterFailover.recovered()).isFalse();
        assertThat(afterFailover.head().epoch()).isNotEqualTo(delivered.epoch());

        StreamPosition next = publish("\"new epoch\"");
        assertThat(next.epoch()).isEqualTo(afterFailover.head().epoch());
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> next.equals(p.position())));

        // the live path notices too: an offset already delivered is never delivered again
        server.cli("DEL", key() + ":s");
        server.cli("HSET", key() + ":m", "o", Long.toString(next.offset() - 1));
        StreamPosition rolledBack = publish("\"again\"");
        assertThat(rolledBack.epoch()).isEqualTo(next.epoch());
        assertThat(rolledBack.offset()).isEqualTo(next.offset());
        await().atMost(WAIT).until(() -> !broker.history(room, null, 0).get(10, TimeUnit.SECONDS).head().epoch()
                .equals(next.epoch()));
        // rolledBack reuses the id 'next' was delivered under: it must not reach clients
        assertThat(rolledBack).isEqualTo(next);
        assertThat(listener.of(room)).extracting(Publication::position).doesNotHaveDuplicates();
        assertThat(listener.of(room)).extracting(Publication::data).doesNotContain("\"again\"");
    }

    @Test
    void connectionsThatGoSilentWithoutClosingAreFoundAndReplaced() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.host(), server.port());
             RedisBroker proxied = new RedisBroker(TestBrokers.config(proxy.uri(), null)
                     .probeTimeout(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(2)).build())) {
            RecordingListener events = new RecordingListener();
            proxied.start(events).get(30, TimeUnit.SECONDS);
            proxied.subscribe(room).get(10, TimeUnit.SECONDS);
            proxy.freezeExisting(); // both the pub/sub and the command connection
            await().atMost(WAIT).until(() -> events.downs.get() >= 1);
            await().atMost(WAIT).until(() -> events.ups.get() >= 2 && proxied.isUp());
            StreamPosition id = proxied.publish(new PublishRequest(room, "ev", "\"through\"", null)).get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> events.of(room).stream().anyMatch(p -> id.equals(p.position())));
        }
    }
}
