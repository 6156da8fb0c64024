package io.rtgw.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: publishing alone must not be able to run the embedded broker out of memory. History
 * expires on time, idle channels are dropped, totals are capped, and a dropped channel's ids
 * resume with a gap, never with a replay of its next life's messages.
 */
class InMemoryBrokerMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HistoryPolicies SHORT = new HistoryPolicies(new HistoryPolicy(10, Duration.ofSeconds(1)),
            Map.of("long", new HistoryPolicy(10, Duration.ofMinutes(10))));
    private final BrokerContractTest.RecordingListener listener = new BrokerContractTest.RecordingListener();
    private InMemoryBroker broker;

    private InMemoryBroker start(EmbeddedLimits limits) throws Exception {
        return start(limits, Clock.systemUTC());
    }

    private InMemoryBroker start(EmbeddedLimits limits, Clock clock) throws Exception {
        broker = new InMemoryBroker(SHORT, Duration.ofSeconds(1), clock, limits);
        broker.start(listener).get(10, TimeUnit.SECONDS);
        return broker;
    }

    private static EmbeddedLimits idleZero() {
        return new EmbeddedLimits(EmbeddedLimits.DEFAULT_MAX_CHANNELS, EmbeddedLimits.DEFAULT_MAX_RETAINED_BYTES, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private StreamPosition publish(ChannelName channel, String data) throws Exception {
        return broker.publish(new PublishRequest(channel, "ev", data, null)).get(10, TimeUnit.SECONDS);
    }

    private HistoryResult history(ChannelName channel, StreamPosition since) throws Exception {
        return broker.history(channel, since, 100).get(10, TimeUnit.SECONDS);
    }

    @Test
    void oneHundredThousandQuietChannelsGiveTheirMemoryBackAfterTheirTtl() throws Exception {
        // time stands still while publishing, so nothing expires before the count is taken
        MutableClock clock = new MutableClock();
        start(idleZero(), clock);
        for (int i = 0; i < 100_000; i++) {
            broker.publish(new PublishRequest(ChannelName.of("acme", "room:" + i), "ev", "{\"n\":" + i + "}",
                    i % 2 == 0 ? "key" + i : null)).get(10, TimeUnit.SECONDS);
        }
        assertThat(broker.channelCount()).isEqualTo(100_000);
        assertThat(broker.retainedBytes()).isPositive();
        // nobody publishes again: the sweeper alone must return the memory
        clock.advance(Duration.ofSeconds(2));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> broker.channelCount() == 0 && broker.retainedBytes() == 0);
    }

    @Test
    void historyExpiresOnTimeWithoutAnotherPublish() throws Exception {
        start(EmbeddedLimits.DEFAULT); // idle channels kept for a minute: only the history goes
        ChannelName room = ChannelName.of("acme", "room:quiet");
        StreamPosition last = publish(room, "\"big\"");
        assertThat(broker.retainedBytes()).isPositive();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> broker.retainedBytes() == 0);
        assertThat(broker.channelCount()).isEqualTo(1);
        HistoryResult fromLast = history(room, last);
        assertThat(fromLast.recovered()).isTrue();
        assertThat(fromLast.head()).isEqualTo(last);
    }

    @Test
    void aSubscribedChannelIsNeverDropped() throws Exception {
        start(idleZero());
        ChannelName room = ChannelName.of("acme", "room:watched");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        StreamPosition last = publish(room, "1");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> broker.retainedBytes() == 0);
        // the sweeper ran past the TTL; a subscriber still resumes from its last id without a gap
        await().atMost(WAIT).until(() -> broker.sweep() == 0);
        assertThat(broker.channelCount()).isEqualTo(1);
        assertThat(history(room, last).recovered()).isTrue();
        assertThat(publish(room, "2")).isEqualTo(last.next());
        broker.unsubscribe(room).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> broker.channelCount() == 0);
    }

    @Test
    void anIdOfADroppedChannelResumesWithAGapNeverAReplayOfItsNextLife() throws Exception {
        start(idleZero());
        ChannelName room = ChannelName.of("acme", "room:reborn");
        StreamPosition before = history(room, null).head();
        StreamPosition first = publish(room, "\"old 1\"");
        StreamPosition second = publish(room, "\"old 2\"");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> broker.channelCount() == 0);
        assertThat(history(room, second).recovered()).isFalse();

        // the channel's next life reaches past the old ids' offsets
        StreamPosition reborn = null;
        for (int i = 1; i <= 3; i++) {
            reborn = publish(room, "\"new " + i + "\"");
        }
        assertThat(reborn.epoch()).isNotEqualTo(second.epoch());
        for (StreamPosition old : new StreamPosition[] {before, first, second}) {
            HistoryResult result = history(room, old);
            assertThat(result.recovered()).as("resume from %s", old).isFalse();
            assertThat(result.publications()).isEmpty();
        }
        // the new life itself resumes as usual
        HistoryResult fresh = history(room, StreamPosition.start(reborn.epoch()));
        assertThat(fresh.recovered()).isTrue();
        assertThat(fresh.publications()).extracting(Publication::data)
                .containsExactly("\"new 1\"", "\"new 2\"", "\"new 3\"");
    }

    @Test
    void aChannelThatNeverHadAMessageResumesWithoutAGapAfterItsDrop() throws Exception {
        start(idleZero());
        ChannelName room = ChannelName.of("acme", "room:silent");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        StreamPosition head = history(room, null).head();
        broker.unsubscribe(room).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> broker.channelCount() == 0);
        StreamPosition first = publish(room, "\"first\"");
        HistoryResult resumed = history(room, head);
        assertThat(resumed.recovered()).isTrue();
        assertThat(resumed.publications()).extracting(Publication::position).containsExactly(first);
    }

    @Test
    void theChannelCapRefusesNewChannelsOnly() throws Exception {
        start(new EmbeddedLimits(3, EmbeddedLimits.DEFAULT_MAX_RETAINED_BYTES, Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) {
            publish(ChannelName.of("acme", "room:" + i), "1");
        }
        assertThatThrownBy(() -> publish(ChannelName.of("acme", "room:3"), "1"))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BrokerLimitException.class);
        assertThat(broker.refusals()).isEqualTo(1);
        assertThat(broker.channelCount()).isEqualTo(3);
        assertThat(publish(ChannelName.of("acme", "room:0"), "2").offset()).isEqualTo(2);
    }

    @Test
    void theRetainedBytesCapRefusesWhatWouldGoBeyondIt() throws Exception {
        start(new EmbeddedLimits(100, 1_000, Duration.ofMinutes(1)));
        String payload = "\"" + "x".repeat(600) + "\"";
        publish(ChannelName.of("acme", "long:a"), payload);
        assertThatThrownBy(() -> publish(ChannelName.of("acme", "long:b"), payload))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BrokerLimitException.class);
        assertThatThrownBy(() -> publish(ChannelName.of("acme", "long:a"), payload))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BrokerLimitException.class);
        assertThat(broker.refusals()).isEqualTo(2);
        assertThat(broker.retainedBytes()).isLessThanOrEqualTo(1_000);
        assertThat(publish(ChannelName.of("acme", "long:a"), "1").offset()).isEqualTo(2);
    }

    /** A clock the test moves forward; the sweeper's timer still runs in real time. */
    private static final class MutableClock extends Clock {
        private volatile long millis = System.currentTimeMillis();

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
