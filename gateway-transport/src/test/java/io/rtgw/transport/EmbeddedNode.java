package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One connection through the public listener's real pipeline on an EmbeddedChannel, with a node
 * of its own (in-memory broker, hub) whose every task runs on the channel's loop: the test thread
 * runs everything, so thousands of inputs take seconds and nothing races.
 */
final class EmbeddedNode implements AutoCloseable {
    final RecordingObserver observer = new RecordingObserver();
    final EmbeddedChannel channel = new EmbeddedChannel();
    private final InMemoryBroker broker;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    EmbeddedNode(TransportSettings settings, AbuseLimits limits) {
        channel.freezeTime();
        broker = new InMemoryBroker(HistoryPolicies.uniform(new HistoryPolicy(20, Duration.ofMinutes(5))));
        Hub hub = new Hub(broker, channel.eventLoop(), Duration.ofSeconds(2), observer);
        var started = broker.start(hub);
        settle();
        if (!started.isDone()) {
            throw new IllegalStateException("the in-memory broker did not start on the channel's loop");
        }
        TransportContext context = TransportContext.of(new SessionContext(hub, broker, new TestAuthenticator(),
                observer, SessionSettings.DEFAULTS), settings, limits);
        PublicServer.initPipeline(channel.pipeline(), Map.of("/ws", new WebSocketEndpoint(context),
                "/sse", new SseEndpoint(context), "/poll", new LongPollEndpoint(context)), context);
    }

    /** Delivers bytes as a socket read would (in a pooled, leak-tracked buffer) unless the server closed. */
    void receive(byte[] bytes) {
        if (!channel.isOpen()) {
            return;
        }
        ByteBuf in = ByteBufAllocator.DEFAULT.buffer(Math.max(1, bytes.length)).writeBytes(bytes);
        channel.writeInbound(in);
        settle();
    }

    /** Lets the node's clocks run on, e.g. for a held poll to answer at its timeout. */
    void advance(Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        settle();
    }

    /** Runs every task that is due, including those that the tasks themselves queue. */
    void settle() {
        for (int i = 0; i < 4; i++) {
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
        }
        drainOutbound();
        channel.checkException(); // an exception that reached the pipeline's end: a crash
    }

    /** Everything the server wrote so far. */
    byte[] written() {
        drainOutbound();
        return written.toByteArray();
    }

    private void drainOutbound() {
        Object m;
        while ((m = channel.readOutbound()) != null) {
            if (!(m instanceof ByteBuf buf)) {
                io.netty.util.ReferenceCountUtil.release(m);
                throw new AssertionError("the pipeline wrote " + m.getClass() + ", not bytes");
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            written.writeBytes(bytes);
        }
    }

    @Override
    public void close() {
        channel.close();
        settle();
        channel.finishAndReleaseAll();
        broker.close();
    }
}
