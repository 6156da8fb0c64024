package io.rtgw.bench.run;

import java.util.ArrayList;
import java.util.List;

/** CPU time of the server side and of the load side (workers + this process, which publishes). */
final class CpuMeter {
    private final List<Long> server;
    private final List<Long> client;

    record Sample(long serverTicks, long clientTicks, long nanos) {
    }

    record Usage(double serverSeconds, double clientSeconds, double wallSeconds) {
        double serverCores() {
            return serverSeconds / wallSeconds;
        }

        double clientCores() {
            return clientSeconds / wallSeconds;
        }
    }

    CpuMeter(List<Long> serverPids, List<Long> workerPids) {
        this.server = serverPids;
        this.client = new ArrayList<>(workerPids);
        client.add(ProcessHandle.current().pid());
    }

    Sample sample() {
        return new Sample(Proc.cpuTicks(server), Proc.cpuTicks(client), System.nanoTime());
    }

    Usage since(Sample s) {
        Sample now = sample();
        return new Usage((now.serverTicks() - s.serverTicks()) / Proc.TICKS_PER_SECOND,
                (now.clientTicks() - s.clientTicks()) / Proc.TICKS_PER_SECOND, (now.nanos() - s.nanos()) / 1e9);
    }
}
