package io.rtgw.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Processes the run starts (always stopped by their own PID, never by name) and what /proc says
 * about them: resident memory and CPU time.
 */
public final class Proc {
    /** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel. */
    static final double TICKS_PER_SECOND = 100.0;
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Proc::stopAll, "bench-cleanup"));
    }

    private Proc() {
    }

    /** This JVM's java (the one the bench runs every JVM with) and {@code flags}, split at spaces. */
    static List<String> java(String flags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(flags.trim().split("\\s+")));
        return cmd;
    }

    /** Starts {@code command} pinned to {@code cpus} (taskset), output to {@code log}. */
    static Process start(List<String> command, String cpus, Path log, java.util.Map<String, String> env) throws IOException {
        List<String> full = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            full.addAll(List.of("taskset", "-c", cpus)); // taskset execs the command: same PID
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("RTGW_"));
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    /** A process whose stdin/stdout the caller talks over (workers); stderr goes to {@code log}. */
    static Process startPiped(List<String> command, String cpus, Path log) throws IOException {
        List<String> full = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectError(log.toFile()).start();
        STARTED.add(p);
        return p;
    }

    /**
     * Waits for the first match of {@code line} in {@code log} (how a server started with port 0
     * tells its ports); fails with the log when the process ends first or nothing came in time.
     */
    static java.util.regex.Matcher awaitLogLine(Process p, Path log, java.util.regex.Pattern line, int seconds, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(what + " exited at start, see " + log + ":\n" + Files.readString(log));
            }
            java.util.regex.Matcher m = line.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m;
            }
            Thread.sleep(10); // often: the bench reports how long a start took
        }
        throw new IllegalStateException(what + " did not log its listeners within " + seconds + " s, see " + log);
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
    static void stop(Process p, int graceSeconds) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        STARTED.remove(p);
    }

    static void stopAll() {
        for (Process p : STARTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** The PID and its descendants (nginx master + workers). */
    static List<Long> tree(long pid) {
        List<Long> out = new ArrayList<>();
        out.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> out.add(d.pid())));
        return out;
    }

    /** VmRSS in bytes (0 when the process is gone). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return 0;
        }
        return 0;
    }

    static long rssBytes(List<Long> pids) {
        return pids.stream().mapToLong(Proc::rssBytes).sum();
    }

    /** utime + stime in ticks, from /proc/PID/stat (fields 14 and 15, counted after the command name). */
    static long cpuTicks(long pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException gone) {
            return 0;
        }
    }

    static long cpuTicks(List<Long> pids) {
        return pids.stream().mapToLong(Proc::cpuTicks).sum();
    }

    /** The command name may hold spaces and parentheses: fields are counted after the last ')'. */
    static long parseCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): utime is field 14 -> f[11], stime field 15 -> f[12]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
