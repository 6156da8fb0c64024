package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batching writer of presence and event writes (docs/scaling.md, "Batched writes") against a
 * real Redis: order kept across batches, a full queue and a missing connection fail at once, and
 * the writer connects again once Redis can be reached.
 */
class BatchedWritesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private RedisClient client;
    private final List<BatchedWrites> writers = new ArrayList<>();

    @BeforeEach
    void client() {
        client = RedisClient.create(TestBrokers.RESOURCES, redis.server().uri());
    }

    @AfterEach
    void stop() {
        writers.forEach(BatchedWrites::close);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    private RedisTopology.BatchConnection connect() {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
        return new RedisTopology.BatchConnection(c, c.async());
    }

    private BatchedWrites writer(int capacity, BatchedWrites.Connector connector) {
        BatchedWrites w = new BatchedWrites("test", capacity, connector, Duration.ofMillis(100));
        writers.add(w);
        return w;
    }

    @Test
    void writesReachRedisInTheOrderTheyWereSubmitted() throws Exception {
        BatchedWrites writes = writer(100_000, this::connect);
        String key = redis.keyPrefix() + ":order";
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String value = Integer.toString(i);
            results.add(writes.submit(r -> r.rpush(key, value)));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(results.get(results.size() - 1).join()).isEqualTo(20_000L);
        try (StatefulRedisConnection<String, String> check = client.connect(StringCodec.UTF8)) {
            List<String> stored = check.sync().lrange(key, 0, -1);
            assertThat(stored).hasSize(20_000);
            for (int i = 0; i < stored.size(); i++) {
                assertThat(stored.get(i)).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    void aFullQueueFailsTheWriteAtOnceInsteadOfBlocking() throws Exception {
        CountDownLatch connectMayFinish = new CountDownLatch(1);
        BatchedWrites writes = writer(2, () -> {
            connectMayFinish.await(30, TimeUnit.SECONDS);
            return connect();
        });
        String key = redis.keyPrefix() + ":full";
        // the writer takes the first write and waits in its connect; two more fill the queue
        CompletableFuture<Long> first = writes.submit(r -> r.incr(key));
        await().atMost(WAIT).until(() -> writes.queued() == 0);
        CompletableFuture<Long> second = writes.submit(r -> r.incr(key));
        CompletableFuture<Long> third = writes.submit(r -> r.incr(key));
        CompletableFuture<Long> refused = writes.submit(r -> r.incr(key));
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(RejectedExecutionException.class);
        connectMayFinish.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo(3L);
    }

    @Test
    void withoutAConnectionWritesFailAndTheWriterConnectsLater() throws Exception {
        AtomicBoolean reachable = new AtomicBoolean(false);
        AtomicInteger attempts = new AtomicInteger();
        BatchedWrites writes = writer(1_000, () -> {
            attempts.incrementAndGet();
            if (!reachable.get()) {
                throw new java.net.ConnectException("not yet");
            }
            return connect();
        });
        String key = redis.keyPrefix() + ":later";
        CompletableFuture<Long> early = writes.submit(r -> r.incr(key));
        assertThatThrownBy(() -> early.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        reachable.set(true);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(writes.submit(r -> r.incr(key)).get(30, TimeUnit.SECONDS)).isEqualTo(1L));
        assertThat(attempts.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void closeSendsWhatIsQueuedAndRefusesWhatComesAfter() throws Exception {
        BatchedWrites writes = writer(10_000, this::connect);
        String key = redis.keyPrefix() + ":close";
        List<CompletableFuture<Long>> before = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            before.add(writes.submit(r -> r.incr(key)));
        }
        writes.close();
        CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(before.get(999).join()).isEqualTo(1_000L);
        assertThatThrownBy(() -> writes.submit(r -> r.incr(key)).join())
                .hasCauseInstanceOf(RejectedExecutionException.class);
    }
}
