package io.rtgw.bench.run;

import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of the server side, of the load side (workers + this process, which publishes) and,
 * in {@code --hook} runs, of the app the gateway asks (apart from both: it is neither).
 */
final class CpuMeter {
    private final List<Long> server;
    private final List<Long> client;
    private final List<Long> hookApp;

    record Sample(long serverTicks, long clientTicks, long hookAppTicks, long nanos) {
    }

    record Usage(double serverSeconds, double clientSeconds, double hookAppSeconds, double wallSeconds) {
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

    CpuMeter(List<Long> serverPids, List<Long> workerPids, List<Long> hookAppPids) {
        this.server = serverPids;
        this.client = new ArrayList<>(workerPids);
        client.add(ProcessHandle.current().pid());
        this.hookApp = hookAppPids;
    }

    boolean measuresHookApp() {
        return !hookApp.isEmpty();
    }

    Sample sample() {
        return new Sample(Proc.cpuTicks(server), Proc.cpuTicks(client), Proc.cpuTicks(hookApp), System.nanoTime());
    }

    Usage since(Sample s) {
        Sample now = sample();
        return new Usage((now.serverTicks() - s.serverTicks()) / Proc.TICKS_PER_SECOND,
                (now.clientTicks() - s.clientTicks()) / Proc.TICKS_PER_SECOND,
                (now.hookAppTicks() - s.hookAppTicks()) / Proc.TICKS_PER_SECOND, (now.nanos() - s.nanos()) / 1e9);
    }
}
