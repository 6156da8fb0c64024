package io.rtgw.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers only what the broker's history would answer the same way (docs/protocol.md §5). */
class RecentPublicationsTest {
    private static final ChannelName CHANNEL = ChannelName.of("t", "room:a");
    private static final long NOW = 1_000_000_000_000L;

    private static Publication at(String epoch, long offset, long micros) {
        return new Publication(CHANNEL, new StreamPosition(epoch, offset), "chat", "{}", micros);
    }

    private static List<Long> offsets(HistoryResult r) {
        return r.publications().stream().map(p -> p.position().offset()).toList();
    }

    @Test
    void answersFromAnyKeptPositionUpToTheLast() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(100, Duration.ofMinutes(1)), Duration.ofMinutes(5));
        recent.restartAt(new StreamPosition("e", 4));
        for (long o = 5; o <= 8; o++) {
            recent.append(at("e", o, NOW));
        }
        assertThat(offsets(recent.after(new StreamPosition("e", 4), NOW))).containsExactly(5L, 6L, 7L, 8L);
        assertThat(offsets(recent.after(new StreamPosition("e", 6), NOW))).containsExactly(7L, 8L);
        HistoryResult atHead = recent.after(new StreamPosition("e", 8), NOW);
        assertThat(atHead.publications()).isEmpty();
        assertThat(atHead.head()).isEqualTo(new StreamPosition("e", 8));
        assertThat(atHead.recovered()).isTrue();
        assertThat(recent.after(new StreamPosition("e", 3), NOW)).as("before the kept ones").isNull();
        assertThat(recent.after(new StreamPosition("e", 9), NOW)).as("beyond the last").isNull();
        assertThat(recent.after(new StreamPosition("f", 6), NOW)).as("another epoch").isNull();
    }

    @Test
    void keepsAtMostTheCapacityAndNeverMoreThanTheHistorySize() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(3, Duration.ofMinutes(1)), Duration.ofMinutes(5));
        recent.restartAt(new StreamPosition("e", 0));
        for (long o = 1; o <= 6; o++) {
            recent.append(at("e", o, NOW));
        }
        assertThat(recent.after(new StreamPosition("e", 2), NOW)).as("the broker keeps only 3").isNull();
        assertThat(offsets(recent.after(new StreamPosition("e", 3), NOW))).containsExactly(4L, 5L, 6L);
    }

    @Test
    void leavesWhatTheHistoryTtlAgedOutToTheBroker() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(100, Duration.ofSeconds(10)), Duration.ofMinutes(5));
        recent.restartAt(new StreamPosition("e", 0));
        recent.append(at("e", 1, NOW - 11_000_000));
        recent.append(at("e", 2, NOW - 1_000_000));
        assertThat(recent.after(new StreamPosition("e", 0), NOW)).as("its next message aged out").isNull();
        assertThat(offsets(recent.after(new StreamPosition("e", 1), NOW))).containsExactly(2L);
    }

    @Test
    void keepsNothingOlderThanItsMaxAge() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(100, Duration.ofMinutes(10)),
                Duration.ofSeconds(30));
        recent.restartAt(new StreamPosition("e", 0));
        recent.append(at("e", 1, NOW - 40_000_000));
        recent.append(at("e", 2, NOW - 5_000_000));
        recent.append(at("e", 3, NOW));
        assertThat(recent.after(new StreamPosition("e", 0), NOW)).as("dropped: 40 s older than the newest").isNull();
        assertThat(offsets(recent.after(new StreamPosition("e", 1), NOW))).containsExactly(2L, 3L);
    }

    @Test
    void aJumpForgetsWhatLedToTheOldPosition() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(100, Duration.ofMinutes(1)), Duration.ofMinutes(5));
        recent.restartAt(new StreamPosition("e", 0));
        recent.append(at("e", 1, NOW));
        recent.restartAt(new StreamPosition("e", 5)); // a gap announced up to 5
        assertThat(recent.after(new StreamPosition("e", 1), NOW)).isNull();
        recent.append(at("e", 7, NOW)); // not after 5: nothing contiguous known
        assertThat(recent.after(new StreamPosition("e", 5), NOW)).isNull();
        assertThat(recent.after(new StreamPosition("e", 7), NOW).publications()).isEmpty();
    }

    @Test
    void aReadThatJoinsTheKeptOnesExtendsThemBack() {
        RecentPublications recent = new RecentPublications(10, new HistoryPolicy(100, Duration.ofMinutes(1)), Duration.ofMinutes(5));
        recent.restartAt(new StreamPosition("e", 5));
        recent.append(at("e", 6, NOW));
        List<Publication> read = new ArrayList<>();
        for (long o = 3; o <= 6; o++) {
            read.add(at("e", o, NOW));
        }
        recent.extendBack(new StreamPosition("e", 2), new HistoryResult(read, new StreamPosition("e", 6), true));
        assertThat(offsets(recent.after(new StreamPosition("e", 2), NOW))).containsExactly(3L, 4L, 5L, 6L);

        // a read with a hole, or one that was not recovered, is not kept
        RecentPublications other = new RecentPublications(10, new HistoryPolicy(100, Duration.ofMinutes(1)), Duration.ofMinutes(5));
        other.restartAt(new StreamPosition("e", 5));
        other.extendBack(new StreamPosition("e", 2), new HistoryResult(
                List.of(at("e", 3, NOW), at("e", 5, NOW)), new StreamPosition("e", 5), true));
        assertThat(other.after(new StreamPosition("e", 2), NOW)).isNull();
        other.extendBack(new StreamPosition("e", 2), new HistoryResult(List.of(), new StreamPosition("e", 5), false));
        assertThat(other.after(new StreamPosition("e", 2), NOW)).isNull();
    }
}
