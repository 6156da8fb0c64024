package io.rtgw.bench;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.EmbeddedLimits;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * {@code channels}: the embedded broker's heap for many channels published to once (the attack of
 * issue 13), and after their history and then the channels themselves expired. No JMH: one
 * publish per channel, then full GCs before each reading. docs/performance.md, "memory curve for
 * 1,000,000 channels".
 *
 * <pre>java -Xmx2g -XX:+UseG1GC -jar gateway-bench/target/rtgw-bench.jar channels [channels=1000000] [ttl-seconds=60] [idle-seconds=120]</pre>
 * The idle time counts from each channel's publish, so the bare positions are measured only when it
 * is longer than the ttl plus the publishing time.
 */
public final class ChannelMemoryCurve {
    private ChannelMemoryCurve() {
    }

    public static void main(String[] args) throws Exception {
        int channels = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        // idle longer than ttl: the channels outlive their history, which shows what a bare position costs
        Duration ttl = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        Duration idle = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 120);
        long baseline = heapUsedAfterGc();
        InMemoryBroker broker = new InMemoryBroker(HistoryPolicies.uniform(new HistoryPolicy(100, ttl)),
                Broker.DEFAULT_IDEMPOTENCY_WINDOW, Clock.systemUTC(),
                new EmbeddedLimits(channels, 1L << 30, idle));
        broker.start(new BrokerListener() {
            @Override
            public void onPublication(Publication publication) {
            }

            @Override
            public void onBrokerDown() {
            }

            @Override
            public void onBrokerUp() {
            }
        }).get();
        System.out.println("| phase | channels held | heap used after GC (MiB) | vs. baseline (MiB) | retained bytes (estimate) |");
        System.out.println("|---|---|---|---|---|");
        report("baseline (broker empty)", baseline, baseline, broker);
        long start = System.nanoTime();
        for (int i = 0; i < channels; i++) {
            broker.publish(new PublishRequest(ChannelName.of("acme", "room:" + i), "chat", "{\"n\":" + i + "}", null)).join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        report(String.format(Locale.ROOT, "after publishing to %,d channels (%.1f s)", channels, seconds),
                heapUsedAfterGc(), baseline, broker);
        waitFor(() -> broker.retainedBytes() == 0);
        report("history expired (ttl " + ttl.toSeconds() + " s), positions kept", heapUsedAfterGc(), baseline, broker);
        waitFor(() -> broker.channelCount() == 0);
        report("channels dropped (idle " + idle.toSeconds() + " s)", heapUsedAfterGc(), baseline, broker);
        broker.close();
    }

    private static void report(String phase, long heap, long baseline, InMemoryBroker broker) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %+.1f | %,d |%n", phase, broker.channelCount(),
                heap / 1048576.0, (heap - baseline) / 1048576.0, broker.retainedBytes());
    }

    private static void waitFor(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            Thread.sleep(100); // a bench waiting for the broker's timer; no test relies on it
        }
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
