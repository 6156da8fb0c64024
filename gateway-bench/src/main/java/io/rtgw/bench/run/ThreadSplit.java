package io.rtgw.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's CPU over one stretch of a run, split by thread group ({@link ThreadGroups}): where a
 * profiling round starts. A thread that started within the stretch counts from 0, one that ended
 * counts until its last reading (the stretch's start, or a reading {@link Tracker#update} added since).
 */
final class ThreadSplit {
    /** One group's share: on-CPU ns (precise unless some thread had no {@code schedstat}), and user/system ticks. */
    record Group(String name, long onCpuNanos, long userTicks, long sysTicks, int threads, boolean precise) {
        /** User time's share of the ticks, in %; -1 when no tick fell in the stretch. */
        int userPercent() {
            long ticks = userTicks + sysTicks;
            return ticks == 0 ? -1 : (int) Math.round(100.0 * userTicks / ticks);
        }
    }

    private record ThreadDelta(ThreadCpu.Key key, ThreadCpu.Reading last, long nanos, long userTicks, long sysTicks) {
    }

    private final List<Group> groups;
    private final List<ThreadDelta> threads;

    private ThreadSplit(List<Group> groups, List<ThreadDelta> threads) {
        this.groups = groups;
        this.threads = threads;
    }

    /** The readings of one stretch: the first, and each thread's latest since. */
    static final class Tracker {
        private final Map<ThreadCpu.Key, ThreadCpu.Reading> first;
        private final Map<ThreadCpu.Key, ThreadCpu.Reading> last;

        Tracker(Map<ThreadCpu.Key, ThreadCpu.Reading> first) {
            this.first = first;
            this.last = new HashMap<>(first);
        }

        /**
         * A later reading: threads missing from it have ended and keep their previous one. CPU time
         * only grows, so a reading overtaken by a newer one (the background poll) changes nothing.
         */
        synchronized void update(Map<ThreadCpu.Key, ThreadCpu.Reading> reading) {
            reading.forEach((k, r) -> last.merge(k, r, (old, now) -> now.onCpuNanos() >= old.onCpuNanos() ? now : old));
        }

        synchronized ThreadSplit split() {
            return between(first, last);
        }
    }

    static ThreadSplit between(Map<ThreadCpu.Key, ThreadCpu.Reading> first, Map<ThreadCpu.Key, ThreadCpu.Reading> last) {
        List<ThreadDelta> threads = new ArrayList<>();
        Map<String, long[]> sums = new LinkedHashMap<>(); // nanos, user, sys, threads, imprecise threads
        last.forEach((key, now) -> {
            ThreadCpu.Reading then = first.getOrDefault(key, ThreadCpu.Reading.ZERO);
            ThreadDelta d = new ThreadDelta(key, now, now.onCpuNanos() - then.onCpuNanos(), now.userTicks() - then.userTicks(),
                    now.sysTicks() - then.sysTicks());
            threads.add(d);
            long[] s = sums.computeIfAbsent(now.group(), g -> new long[5]);
            s[0] += d.nanos();
            s[1] += d.userTicks();
            s[2] += d.sysTicks();
            s[3]++;
            s[4] += now.precise() ? 0 : 1;
        });
        List<Group> groups = new ArrayList<>();
        sums.forEach((name, s) -> groups.add(new Group(name, s[0], s[1], s[2], (int) s[3], s[4] == 0)));
        groups.sort(Comparator.comparingLong(Group::onCpuNanos).reversed().thenComparing(Group::name));
        threads.sort(Comparator.comparingLong(ThreadDelta::nanos).reversed());
        return new ThreadSplit(List.copyOf(groups), List.copyOf(threads));
    }

    /** Largest first. */
    List<Group> groups() {
        return groups;
    }

    /** The part of the stretch's on-CPU time that group {@code name} took, 0 when it had none. */
    double share(String name) {
        long total = totalNanos();
        return total <= 0 ? 0 : groups.stream().filter(g -> g.name().equals(name)).mapToLong(Group::onCpuNanos).sum() / (double) total;
    }

    long totalNanos() {
        return groups.stream().mapToLong(Group::onCpuNanos).sum();
    }

    /** Each group's µs per unit (publication, delivery, connection), largest first. */
    Map<String, Double> microsPer(double units) {
        Map<String, Double> out = new LinkedHashMap<>();
        groups.forEach(g -> out.put(g.name(), g.onCpuNanos() / 1e3 / units));
        return out;
    }

    /**
     * The table's note: each group's µs per unit with its user share, largest first, e.g.
     * {@code rtgw-io 812 u74%, lettuce 130 u61%}; groups under 0.5% of the total are left out, and
     * a group measured in ticks (no {@code schedstat}) is marked {@code ~}.
     */
    String note(double units) {
        long total = totalNanos();
        StringBuilder b = new StringBuilder();
        for (Group g : groups) {
            if (g.onCpuNanos() <= 0 || g.onCpuNanos() * 200 < total) {
                continue;
            }
            b.append(b.length() == 0 ? "" : ", ").append(g.name()).append(' ').append(g.precise() ? "" : "~")
                    .append(Report.num(g.onCpuNanos() / 1e3 / units));
            if (g.userPercent() >= 0) {
                b.append(" u").append(g.userPercent()).append('%');
            }
        }
        return b.toString();
    }

    /**
     * The figure in µs per {@code units} (publications, deliveries, connections): the total as the
     * value, the groups in the note and, for the JSON, in the parts; no value when there were none.
     */
    Row row(String key, String label, double units, double clientCores) {
        if (units <= 0) {
            return Row.of(key, label, Double.NaN, "µs", false, clientCores);
        }
        return Row.of(key, label, totalNanos() / 1e3 / units, "µs", false, clientCores).withNote(note(units))
                .withParts(microsPer(units));
    }

    /** Writes {@link #listing} next to the logs as {@code threads-<figure>.txt}. */
    void write(Path dir, String figure) throws IOException {
        Files.writeString(dir.resolve("threads-" + figure.replaceAll("\\.$", "") + ".txt"), listing());
    }

    /** Every thread that ran, largest first: what a group is made of (written next to the logs). */
    String listing() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %-8s %-16s %-12s %12s %8s %8s%n",
                "pid", "tid", "name", "group", "on-cpu ms", "user t", "sys t"));
        for (ThreadDelta t : threads) {
            if (t.nanos() == 0 && t.userTicks() + t.sysTicks() == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-8d %-8d %-16s %-12s %12.3f %8d %8d%n", t.key().pid(), t.key().tid(),
                    t.last().name(), t.last().group(), t.nanos() / 1e6, t.userTicks(), t.sysTicks()));
        }
        return b.toString();
    }
}
