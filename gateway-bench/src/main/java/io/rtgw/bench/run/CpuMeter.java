package io.rtgw.bench.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of the server side, of the load side (workers + this process, which publishes) and,
 * in {@code --hook} runs, of the app the gateway asks (apart from both: it is neither); and the
 * server side's CPU by thread group over the same stretch ({@link ThreadSplit}).
 */
final class CpuMeter {
    private static final Path PROC = Path.of("/proc");
    /** How often the server's threads are read while a stretch is open, so a thread that ends loses at most this. */
    private static final long POLL_MILLIS = 1000;
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-thread-cpu");
        t.setDaemon(true);
        return t;
    });

    private final List<Long> server;
    private final List<ThreadCpu.Watched> serverThreads;
    private final List<Long> client;
    private final List<Long> hookApp;
    private final Set<ThreadSplit.Tracker> open = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> polling;

    record Sample(long serverTicks, long clientTicks, long hookAppTicks, long nanos, ThreadSplit.Tracker threads) {
    }

    record Usage(double serverSeconds, double clientSeconds, double hookAppSeconds, double wallSeconds, ThreadSplit threads) {
        double serverCores() {
            return serverSeconds / wallSeconds;
        }

        double clientCores() {
            return clientSeconds / wallSeconds;
        }

        double hookAppCores() {
            return hookAppSeconds / wallSeconds;
        }
    }

    /** @param serverThreads the server's processes (its store's too), each with how its threads are grouped */
    CpuMeter(List<ThreadCpu.Watched> serverThreads, List<Long> workerPids, List<Long> hookAppPids) {
        this.serverThreads = serverThreads;
        this.server = serverThreads.stream().map(ThreadCpu.Watched::pid).toList();
        this.client = new ArrayList<>(workerPids);
        client.add(ProcessHandle.current().pid());
        this.hookApp = hookAppPids;
    }

    boolean measuresHookApp() {
        return !hookApp.isEmpty();
    }

    Sample sample() {
        ThreadSplit.Tracker threads = new ThreadSplit.Tracker(readThreads());
        open(threads);
        return new Sample(Proc.cpuTicks(server), Proc.cpuTicks(client), Proc.cpuTicks(hookApp), System.nanoTime(), threads);
    }

    Usage since(Sample s) {
        long serverTicks = Proc.cpuTicks(server);
        long clientTicks = Proc.cpuTicks(client);
        long hookAppTicks = Proc.cpuTicks(hookApp);
        long nanos = System.nanoTime();
        s.threads().update(readThreads());
        close(s.threads());
        return new Usage((serverTicks - s.serverTicks()) / Proc.TICKS_PER_SECOND,
                (clientTicks - s.clientTicks()) / Proc.TICKS_PER_SECOND,
                (hookAppTicks - s.hookAppTicks()) / Proc.TICKS_PER_SECOND, (nanos - s.nanos()) / 1e9, s.threads().split());
    }

    private Map<ThreadCpu.Key, ThreadCpu.Reading> readThreads() {
        return ThreadCpu.read(PROC, serverThreads);
    }

    /** Threads are read in the background only while some stretch is open. */
    private synchronized void open(ThreadSplit.Tracker t) {
        open.add(t);
        if (polling == null) {
            polling = POLLER.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void close(ThreadSplit.Tracker t) {
        open.remove(t);
        if (open.isEmpty() && polling != null) {
            polling.cancel(false);
            polling = null;
        }
    }

    private void poll() {
        if (!open.isEmpty()) {
            Map<ThreadCpu.Key, ThreadCpu.Reading> reading = readThreads();
            open.forEach(t -> t.update(reading));
        }
    }
}
