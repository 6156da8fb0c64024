package io.rtgw.bench.jmh;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Hub;
import io.rtgw.core.Publication;
import io.rtgw.core.SessionHandle;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.transport.MessageItemEncoder;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The real {@link Hub} fanning one publication out to 10k subscribers of one channel. The
 * sessions run on a same-thread executor (one "event loop") and only fetch the shared encoding,
 * so what is measured is the hub's own path per delivery: lookup, per-loop dispatch, iteration,
 * the encode-once cache. Reported per delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HubFanoutBenchmark {
    static final int SUBSCRIBERS = 10_000;

    @Param({"1", "4"})
    public int loops;

    private Hub hub;
    private InMemoryBroker broker;
    private ScheduledExecutorService timer;
    private ChannelName channel;
    private long offset;
    private Blackhole sink;

    /** A subscriber that does what a connection does first: take the shared bytes. */
    static final class Handle implements SessionHandle {
        private final Executor executor;
        private final Blackhole sink;

        Handle(Executor executor, Blackhole sink) {
            this.executor = executor;
            this.sink = sink;
        }

        @Override
        public Executor executor() {
            return executor;
        }

        @Override
        public void deliver(Publication publication) {
            sink.consume(publication.encoded(MessageItemEncoder.INSTANCE));
        }

        @Override
        public void gap(StreamPosition resumeAfter) {
        }
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws Exception {
        sink = bh;
        timer = Executors.newSingleThreadScheduledExecutor();
        broker = new InMemoryBroker(HistoryPolicies.uniform(HistoryPolicy.DEFAULT));
        hub = new Hub(broker, timer, Duration.ofSeconds(70), GatewayObserver.NOOP);
        broker.start(hub).get();
        channel = ChannelName.of("acme", "room:1");
        Executor[] executors = new Executor[loops];
        for (int i = 0; i < loops; i++) {
            executors[i] = new SameThread(); // distinct instances: the hub groups by executor
        }
        for (int i = 0; i < SUBSCRIBERS; i++) {
            hub.add(channel, new Handle(executors[i % loops], bh)).brokerSubscription().get();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        broker.close();
        timer.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(SUBSCRIBERS)
    public void fanOutOnePublication() {
        // the broker's epoch and the next offset: the channel's feed forwards only what follows what it has
        hub.onPublication(new Publication(channel, new StreamPosition(broker.epoch(), ++offset), "message",
                "{\"n\":1}", 0));
    }

    /** Runs tasks inline: the benchmark thread plays every event loop. */
    static final class SameThread implements Executor {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }
}
