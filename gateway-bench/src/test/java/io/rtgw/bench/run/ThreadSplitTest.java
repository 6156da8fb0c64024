package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadSplitTest {
    private static final ThreadCpu.Key IO = new ThreadCpu.Key(100, 101, 5);
    private static final ThreadCpu.Key LANE = new ThreadCpu.Key(100, 102, 5);
    private static final ThreadCpu.Key GC = new ThreadCpu.Key(100, 103, 5);

    @Test
    void eachGroupGetsItsThreadsGrowthLargestFirst() {
        Map<ThreadCpu.Key, ThreadCpu.Reading> first = Map.of(
                IO, reading("rtgw-io-2-1", 1_000_000, 10, 5),
                new ThreadCpu.Key(100, 104, 5), reading("rtgw-io-2-2", 0, 0, 0),
                GC, reading("GC Thread#0", 500_000, 1, 0));
        Map<ThreadCpu.Key, ThreadCpu.Reading> last = Map.of(
                IO, reading("rtgw-io-2-1", 5_000_000, 13, 6),
                new ThreadCpu.Key(100, 104, 5), reading("rtgw-io-2-2", 2_000_000, 1, 1),
                GC, reading("GC Thread#0", 1_500_000, 2, 0));

        ThreadSplit s = ThreadSplit.between(first, last);

        assertThat(s.groups()).containsExactly(
                new ThreadSplit.Group(ThreadGroups.IO, 6_000_000, 4, 2, 2, true),
                new ThreadSplit.Group(ThreadGroups.GC, 1_000_000, 1, 0, 1, true));
        assertThat(s.totalNanos()).isEqualTo(7_000_000);
        assertThat(s.groups().get(0).userPercent()).isEqualTo(67);
        assertThat(s.share(ThreadGroups.GC)).isCloseTo(1 / 7.0, offset(1e-9));
        assertThat(s.share(ThreadGroups.JIT)).isZero();
    }

    @Test
    void aThreadThatStartsCountsFromZeroAndOneThatEndsUntilItsLastReading() {
        ThreadSplit.Tracker t = new ThreadSplit.Tracker(Map.of(IO, reading("rtgw-io-2-1", 1_000, 0, 0),
                LANE, reading("rtgw-redis-lane", 2_000, 0, 0)));
        // a background reading: the lane still runs, a compiler thread has started
        ThreadCpu.Key jit = new ThreadCpu.Key(100, 110, 9);
        t.update(Map.of(IO, reading("rtgw-io-2-1", 4_000, 0, 0), LANE, reading("rtgw-redis-lane", 7_000, 0, 0),
                jit, reading("C2 CompilerThre", 3_000, 0, 0)));
        // the last reading: the lane and the compiler thread have ended, and a new thread took the lane's id
        ThreadCpu.Key reused = new ThreadCpu.Key(100, 102, 12);
        t.update(Map.of(IO, reading("rtgw-io-2-1", 9_000, 0, 0), reused, reading("lettuce-epollEv", 500, 0, 0)));

        Map<String, Double> micros = t.split().microsPer(1);

        assertThat(micros).containsEntry(ThreadGroups.IO, 8.0).containsEntry(ThreadGroups.LANES, 5.0)
                .containsEntry(ThreadGroups.JIT, 3.0).containsEntry(ThreadGroups.LETTUCE, 0.5);
    }

    @Test
    void aReadingOvertakenByANewerOneChangesNothing() {
        ThreadSplit.Tracker t = new ThreadSplit.Tracker(Map.of(IO, reading("rtgw-io-2-1", 1_000, 0, 0)));
        t.update(Map.of(IO, reading("rtgw-io-2-1", 9_000, 0, 0))); // the stretch's last reading
        t.update(Map.of(IO, reading("rtgw-io-2-1", 4_000, 0, 0))); // the background poll, read before it
        assertThat(t.split().totalNanos()).isEqualTo(8_000);
    }

    @Test
    void theNoteGivesMicrosPerUnitWithTheUserShareAndLeavesOutCrumbs() {
        Map<ThreadCpu.Key, ThreadCpu.Reading> last = new HashMap<>();
        last.put(IO, reading("rtgw-io-2-1", 81_200_000, 74, 26));
        last.put(LANE, new ThreadCpu.Reading("rtgw-redis-lane", ThreadGroups.LANES, 13_000_000, false, 1, 0));
        last.put(GC, reading("GC Thread#0", 100_000, 0, 0)); // 0.1%: left out of the note, kept in the parts
        ThreadSplit s = ThreadSplit.between(Map.of(), last);

        assertThat(s.note(100)).isEqualTo("rtgw-io 812 u74%, redis-lanes ~130 u100%");
        Row row = s.row("step0.threadsPerPub", "@100/s: server CPU by thread per publication", 100, 0.3);
        assertThat(row.value()).isCloseTo(943, offset(1e-9));
        assertThat(row.unit()).isEqualTo("µs");
        assertThat(row.note()).isEqualTo(s.note(100));
        assertThat(row.parts()).containsOnlyKeys(ThreadGroups.IO, ThreadGroups.LANES, ThreadGroups.GC);
        assertThat(List.copyOf(row.parts().keySet())).containsExactly(ThreadGroups.IO, ThreadGroups.LANES, ThreadGroups.GC);
    }

    @Test
    void noUnitsNoFigure() {
        Row row = ThreadSplit.between(Map.of(), Map.of(IO, reading("rtgw-io-2-1", 5, 0, 0))).row("k", "l", 0, 0.1);
        assertThat(row.value()).isNaN();
        assertThat(row.note()).isEmpty();
    }

    @Test
    void theListingNextToTheLogsNamesEachThreadThatRan(@TempDir Path dir) throws Exception {
        ThreadSplit s = ThreadSplit.between(Map.of(), Map.of(IO, reading("rtgw-io-2-1", 2_500_000, 1, 0),
                GC, reading("GC Thread#0", 0, 0, 0)));
        s.write(dir, "step0.");
        String listing = Files.readString(dir.resolve("threads-step0.txt"));
        assertThat(listing).contains("rtgw-io-2-1").contains("2.500").doesNotContain("GC Thread#0");
    }

    private static ThreadCpu.Reading reading(String name, long nanos, long user, long sys) {
        return new ThreadCpu.Reading(name, ThreadGroups.ofJvmThread(name), nanos, true, user, sys);
    }
}
