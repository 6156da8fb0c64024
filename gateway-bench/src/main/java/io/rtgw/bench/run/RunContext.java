package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.bench.load.Stats;
import java.util.List;
import org.HdrHistogram.Histogram;

/** What a scenario works with: the started server, its workers, the CPU meter and the sizes. */
final class RunContext {
    final Server server;
    final Workers workers;
    final CpuMeter cpu;
    final int clients;
    final int channels;
    final int clientCpuCount;
    final String padding;
    /** The bench's Redis (null with the embedded broker), whose own figures a wave reports. */
    final RedisStore redis;
    /** Where this server's logs go (Redis command counts per wave, among others). */
    final java.nio.file.Path dir;
    /** Whether the server emits connection events (their offline events come a grace period after a drop). */
    final boolean eventsOn;

    RunContext(Server server, Workers workers, CpuMeter cpu, int clients, int channels, int clientCpuCount, String padding,
               RedisStore redis, java.nio.file.Path dir, boolean eventsOn) {
        this.eventsOn = eventsOn;
        this.redis = redis;
        this.dir = dir;
        this.server = server;
        this.workers = workers;
        this.cpu = cpu;
        this.clients = clients;
        this.channels = channels;
        this.clientCpuCount = clientCpuCount;
        this.padding = padding;
    }

    /** Subscribers of each channel: client g listens to channel g mod K. */
    long subscribers(int channel) {
        return clients / channels + (channel < clients % channels ? 1 : 0);
    }

    /** "client-limited" when the load side used (nearly) all the cores it was given. */
    String limitNote(double clientCores) {
        return clientCores >= 0.9 * clientCpuCount ? "client-limited" : "";
    }

    static Histogram merged(List<JsonNode> stats) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (JsonNode s : stats) {
            h.add(Stats.decode(s.path("histogram").asText()));
        }
        return h;
    }

    /** Fails the run with the workers' own words when connections did not come up. */
    static void requireConnected(List<JsonNode> answers, int expected) {
        long ready = Workers.sum(answers, "ready");
        if (ready < expected) {
            StringBuilder why = new StringBuilder();
            answers.forEach(a -> a.path("failures").forEach(f -> why.append("\n  ").append(f.asText())));
            System.err.println("bench: only " + ready + " of " + expected + " clients connected" + why);
        }
    }
}
