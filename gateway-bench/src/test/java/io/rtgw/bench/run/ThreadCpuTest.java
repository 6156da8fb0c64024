package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadCpuTest {
    @Test
    void threadsAreReadFromSchedstatAndFallBackToTicksWhereItIsMissing(@TempDir Path proc) throws IOException {
        task(proc, 100, 100, "java", 5, 2, 7, "900000000 1 2");
        task(proc, 100, 101, "rtgw-io-2-1", 30, 10, 9, "412345678 5 6");
        task(proc, 100, 102, "C2 CompilerThre", 8, 0, 9, null); // a kernel without schedstats
        task(proc, 200, 200, "redis-server", 3, 4, 11, "70000000 0 0");

        Map<ThreadCpu.Key, ThreadCpu.Reading> r = ThreadCpu.read(proc,
                List.of(new ThreadCpu.Watched(100, null), new ThreadCpu.Watched(200, ThreadGroups.REDIS),
                        new ThreadCpu.Watched(300, null))); // 300 has ended: no threads

        assertThat(r).hasSize(4);
        assertThat(r.get(new ThreadCpu.Key(100, 101, 9)))
                .isEqualTo(new ThreadCpu.Reading("rtgw-io-2-1", ThreadGroups.IO, 412_345_678, true, 30, 10));
        assertThat(r.get(new ThreadCpu.Key(100, 102, 9)))
                .isEqualTo(new ThreadCpu.Reading("C2 CompilerThre", ThreadGroups.JIT, 80_000_000, false, 8, 0));
        assertThat(r.get(new ThreadCpu.Key(100, 100, 7)).group()).isEqualTo(ThreadGroups.OTHER_JVM);
        assertThat(r.get(new ThreadCpu.Key(200, 200, 11)).group()).isEqualTo(ThreadGroups.REDIS);
    }

    @Test
    void aThreadNameMayHoldSpacesAndParentheses() {
        String stat = "77 (G1 (odd) name) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 30 0 4242 0";
        assertThat(ThreadCpu.Stat.parse(stat)).isEqualTo(new ThreadCpu.Stat("G1 (odd) name", 250, 50, 4242));
    }

    @Test
    void anUnreadableSchedstatCountsAsMissing() {
        assertThat(ThreadCpu.onCpuNanos("123 4 5\n")).isEqualTo(123);
        assertThat(ThreadCpu.onCpuNanos("")).isEqualTo(-1);
    }

    @Test
    void jvmThreadsAreGroupedByTheNameTheKernelKeeps() {
        assertThat(ThreadGroups.ofJvmThread("rtgw-io-2-1")).isEqualTo(ThreadGroups.IO);
        assertThat(ThreadGroups.ofJvmThread("rtgw-admin-4-1")).isEqualTo(ThreadGroups.ADMIN);
        assertThat(ThreadGroups.ofJvmThread("rtgw-accept-1-1")).isEqualTo(ThreadGroups.ACCEPT);
        assertThat(ThreadGroups.ofJvmThread("lettuce-epollEv")).isEqualTo(ThreadGroups.LETTUCE);
        assertThat(ThreadGroups.ofJvmThread("rtgw-redis-lane")).isEqualTo(ThreadGroups.LANES); // rtgw-redis-lane-3, cut at 15
        assertThat(ThreadGroups.ofJvmThread("rtgw-redis-writ")).isEqualTo(ThreadGroups.OTHER_RTGW);
        assertThat(ThreadGroups.ofJvmThread("C1 CompilerThre")).isEqualTo(ThreadGroups.JIT);
        assertThat(ThreadGroups.ofJvmThread("C2 CompilerThre")).isEqualTo(ThreadGroups.JIT);
        assertThat(ThreadGroups.ofJvmThread("GC Thread#1")).isEqualTo(ThreadGroups.GC);
        assertThat(ThreadGroups.ofJvmThread("G1 Conc#0")).isEqualTo(ThreadGroups.GC);
        assertThat(ThreadGroups.ofJvmThread("VM Thread")).isEqualTo(ThreadGroups.GC);
        assertThat(ThreadGroups.ofJvmThread("VM Periodic Tas")).isEqualTo(ThreadGroups.OTHER_JVM);
        assertThat(ThreadGroups.ofJvmThread("main")).isEqualTo(ThreadGroups.OTHER_JVM);
    }

    /** A task directory as /proc has it: {@code stat} (fields up to starttime) and, unless null, {@code schedstat}. */
    static void task(Path proc, long pid, long tid, String name, long utime, long stime, long start, String schedstat)
            throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid + "/task/" + tid));
        Files.writeString(dir.resolve("stat"), tid + " (" + name + ") S 1 " + pid + " " + pid + " 0 -1 4194560 10 0 0 0 "
                + utime + " " + stime + " 0 0 20 0 1 0 " + start + " 5124096 961\n");
        if (schedstat != null) {
            Files.writeString(dir.resolve("schedstat"), schedstat + "\n");
        }
    }
}
