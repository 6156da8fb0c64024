package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A listener that cannot keep up with Redis: the channel's lane fills up to its capacity, the
 * messages that do not fit are not queued, and once the lane has handed over everything it
 * accepted, in order, the listener is told to resync the channel from history.
 */
class LaneOverflowTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CAPACITY = 4;

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    /** Blocks on the first publication of {@code slow} until released: a stuck node. */
    private static final class SlowListener implements BrokerListener {
        final ChannelName slow;
        final CountDownLatch release = new CountDownLatch(1);
        final List<Publication> received = new CopyOnWriteArrayList<>();
        final List<ChannelName> resyncs = new CopyOnWriteArrayList<>();

        SlowListener(ChannelName slow) {
            this.slow = slow;
        }

        @Override
        public void onPublication(Publication publication) {
            received.add(publication);
            if (publication.channel().equals(slow)) {
                try {
                    release.await(2, TimeUnit.MINUTES); // bounded, so a failing test cannot hang the build
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onChannelResync(ChannelName channel) {
            resyncs.add(channel);
        }

        List<Publication> of(ChannelName channel) {
            return received.stream().filter(p -> p.channel().equals(channel)).toList();
        }
    }

    @Test
    void aFullLaneRefusesMessagesAndResyncsTheChannelAfterWhatItAccepted() throws Exception {
        ChannelName slow = ChannelName.of(redis.tenant(), "room:slow");
        ChannelName other = otherLaneThan(slow);
        SlowListener listener = new SlowListener(slow);
        try (RedisBroker broker = new RedisBroker(TestBrokers.config(redis.server().uri(), null)
                .laneCapacity(CAPACITY).build())) {
            broker.start(listener).get(30, TimeUnit.SECONDS);
            broker.subscribe(slow).get(10, TimeUnit.SECONDS);
            broker.subscribe(other).get(10, TimeUnit.SECONDS);

            List<StreamPosition> published = new ArrayList<>();
            published.add(publish(broker, slow, 0));
            await().atMost(WAIT).until(() -> listener.of(slow).size() == 1); // the lane is stuck in it
            for (int i = 1; i < 3 * CAPACITY; i++) {
                published.add(publish(broker, slow, i));
            }
            // one pub/sub connection delivers in order: once this arrives, every message above
            // has been offered to the stuck lane
            StreamPosition marker = publish(broker, other, 0);
            await().atMost(WAIT).until(() -> listener.of(other).stream().anyMatch(p -> marker.equals(p.position())));

            // one message is with the listener, CAPACITY wait, the rest were refused
            assertThat(broker.queueDepth()).isEqualTo(CAPACITY);
            assertThat(listener.of(slow)).hasSize(1);
            assertThat(listener.resyncs).as("the resync waits behind what was accepted").isEmpty();

            listener.release.countDown();
            await().atMost(WAIT).until(() -> listener.resyncs.contains(slow));
            assertThat(listener.resyncs).containsExactly(slow);
            assertThat(broker.queueDepth()).isZero();
            assertThat(listener.of(slow)).extracting(Publication::position)
                    .containsExactlyElementsOf(published.subList(0, 1 + CAPACITY));

            // what the resync reads: everything the lane refused, from the last delivered position
            StreamPosition lastDelivered = published.get(CAPACITY);
            HistoryResult missed = broker.history(slow, lastDelivered, 100).get(10, TimeUnit.SECONDS);
            assertThat(missed.recovered()).isTrue();
            assertThat(missed.publications()).extracting(Publication::position)
                    .containsExactlyElementsOf(published.subList(1 + CAPACITY, published.size()));

            // the lane takes the channel's messages again after the resync
            StreamPosition after = publish(broker, slow, 99);
            await().atMost(WAIT).until(() -> listener.of(slow).stream().anyMatch(p -> after.equals(p.position())));
            assertThat(listener.resyncs).containsExactly(slow);
        } finally {
            listener.release.countDown();
        }
    }

    @Test
    void theDepthRisesWhileTheListenerIsStuckAndFallsBackToZero() throws Exception {
        ChannelName slow = ChannelName.of(redis.tenant(), "room:stuck");
        SlowListener listener = new SlowListener(slow);
        AtomicLong highest = new AtomicLong();
        try (RedisBroker broker = new RedisBroker(TestBrokers.config(redis.server().uri(), null)
                .laneCapacity(100).build())) {
            broker.start(listener).get(30, TimeUnit.SECONDS);
            broker.subscribe(slow).get(10, TimeUnit.SECONDS);
            publish(broker, slow, 0);
            await().atMost(WAIT).until(() -> listener.of(slow).size() == 1); // the lane is stuck in it
            for (int i = 1; i < 10; i++) {
                publish(broker, slow, i);
            }
            await().atMost(WAIT).until(() -> {
                highest.accumulateAndGet(broker.queueDepth(), Math::max);
                return broker.queueDepth() == 9;
            });
            listener.release.countDown();
            await().atMost(WAIT).until(() -> listener.of(slow).size() == 10);
            await().atMost(WAIT).until(() -> broker.queueDepth() == 0);
            assertThat(highest.get()).isEqualTo(9);
            assertThat(listener.resyncs).isEmpty();
        } finally {
            listener.release.countDown();
        }
    }

    private static StreamPosition publish(RedisBroker broker, ChannelName channel, int n) throws Exception {
        return broker.publish(new PublishRequest(channel, "ev", Integer.toString(n), null)).get(10, TimeUnit.SECONDS);
    }

    /** A channel whose lane is not the stuck one, so its delivery proves the stuck lane was offered everything. */
    private static ChannelName otherLaneThan(ChannelName stuck) {
        int lanes = ChannelLanes.defaultCount();
        for (int i = 0; ; i++) {
            ChannelName candidate = ChannelName.of(stuck.tenant(), "room:other-" + i);
            if (ChannelLanes.indexOf(candidate, lanes) != ChannelLanes.indexOf(stuck, lanes)) {
                return candidate;
            }
        }
    }
}
