package io.rtgw.bench.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each thread's CPU time from {@code /proc/<pid>/task/<tid>}: on-CPU nanoseconds from
 * {@code schedstat} (the scheduler's own account, not sampled at ticks) and user/system ticks from
 * {@code stat}; where {@code schedstat} is missing (a kernel without schedstats), the ticks stand in.
 */
final class ThreadCpu {
    private static final long NANOS_PER_TICK = (long) (1e9 / Proc.TICKS_PER_SECOND);

    /** One thread, told apart from a later thread that reuses its id by its start time. */
    record Key(long pid, long tid, long startTicks) {
    }

    /**
     * One reading of a thread; {@code group} is where its CPU is counted ({@link ThreadGroups}),
     * {@code precise} whether {@code onCpuNanos} came from {@code schedstat}.
     */
    record Reading(String name, String group, long onCpuNanos, boolean precise, long userTicks, long sysTicks) {
        static final Reading ZERO = new Reading("", "", 0, true, 0, 0);
    }

    /** Where the threads of a process go: the process's own group, or by thread name (null: a JVM). */
    record Watched(long pid, String group) {
    }

    private ThreadCpu() {
    }

    /** Every live thread of {@code processes} under {@code procRoot} ({@code /proc}); ended processes have none. */
    static Map<Key, Reading> read(Path procRoot, List<Watched> processes) {
        Map<Key, Reading> out = new HashMap<>();
        for (Watched w : processes) {
            Path tasks = procRoot.resolve(Long.toString(w.pid())).resolve("task");
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
                for (Path task : dir) {
                    readTask(w, task, out);
                }
            } catch (IOException gone) {
                // the process ended: its threads count until their last reading
            }
        }
        return out;
    }

    private static void readTask(Watched w, Path task, Map<Key, Reading> out) {
        String stat;
        try {
            stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
            return; // the thread ended between the listing and this read
        }
        String schedstat;
        try {
            schedstat = Files.readString(task.resolve("schedstat"));
        } catch (IOException missing) {
            schedstat = null;
        }
        Stat s = Stat.parse(stat);
        String group = w.group() != null ? w.group() : ThreadGroups.ofJvmThread(s.name());
        long nanos = schedstat == null ? -1 : onCpuNanos(schedstat);
        boolean precise = nanos >= 0;
        out.put(new Key(w.pid(), Long.parseLong(task.getFileName().toString()), s.startTicks()),
                new Reading(s.name(), group, precise ? nanos : (s.userTicks() + s.sysTicks()) * NANOS_PER_TICK, precise,
                        s.userTicks(), s.sysTicks()));
    }

    /** The first field of {@code schedstat}: time on the CPU in ns; -1 when unreadable. */
    static long onCpuNanos(String schedstat) {
        String[] f = schedstat.trim().split("\\s+");
        try {
            return Long.parseLong(f[0]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException unreadable) {
            return -1;
        }
    }

    /** The fields of a task's {@code stat} this needs: the name sits in parentheses and may hold both. */
    record Stat(String name, long userTicks, long sysTicks, long startTicks) {
        static Stat parse(String stat) {
            int close = stat.lastIndexOf(')');
            String name = stat.substring(stat.indexOf('(') + 1, close);
            String[] f = stat.substring(close + 2).trim().split(" ");
            // f[0] is field 3 (state): utime 14 -> f[11], stime 15 -> f[12], starttime 22 -> f[19]
            return new Stat(name, Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]));
        }
    }
}
