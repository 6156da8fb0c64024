package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.ChannelName;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Flush passes: at once after short ones, paced after long ones so a busy loop coalesces; a large
 * fan-out on a loop that keeps up flushes in chunks while it writes.
 */
class FlushBatchTest {
    private final TransportContext context =
            TestContexts.of(new RecordingObserver(), TransportSettings.defaults("127.0.0.1", 0));
    private long offset;

    @Test
    void afterAShortPassTheNextFlushIsNotDelayed() {
        EmbeddedChannel ch = socketWhoseFlushTakes(0);
        WebSocketConnection c = new WebSocketConnection(ch, context);
        c.send(publication());
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).isEqualTo(1);
        c.send(publication());
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).isEqualTo(1);
    }

    @Test
    void afterALongPassWhatIsWrittenWaitsAQuarterPassAndLeavesInOneFlush() {
        EmbeddedChannel ch = socketWhoseFlushTakes(8);
        WebSocketConnection c = new WebSocketConnection(ch, context);
        c.send(publication());
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).isEqualTo(1);

        c.send(publication());
        c.send(publication());
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).as("paced: nothing before 2 ms (8 / 4)").isZero();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).isZero();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertThat(framesFlushed(ch)).as("both in the one paced pass").isEqualTo(2);
    }

    @Test
    void aLargeFanOutFlushesItsFirstChunkBeforeItWritesTheLast() {
        Fanout fanout = new Fanout(2 * FlushBatch.CHUNK + 10, context, Set.of(), 0);
        Publication p = publication();
        fanout.connections.forEach(c -> c.send(p));
        assertThat(fanout.events.indexOf("f0")).as("the first connection flushed").isNotNegative()
                .isLessThan(fanout.events.indexOf("w" + (fanout.size() - 1)));
        assertThat(fanout.flushes()).as("two whole chunks flushed while writing").isEqualTo(2 * FlushBatch.CHUNK);

        fanout.runPendingTasks();
        assertThat(fanout.flushes()).as("the rest in the pass").isEqualTo(fanout.size());
        for (int i = 0; i < fanout.size(); i++) {
            assertThat(fanout.framesOf(i)).containsExactly(p.data());
        }
        fanout.close();
    }

    @Test
    void aFanOutToFewerThanAChunkFlushesOnceInThePass() {
        Fanout fanout = new Fanout(FlushBatch.CHUNK - 1, context, Set.of(), 0);
        Publication p = publication();
        fanout.connections.forEach(c -> c.send(p));
        assertThat(fanout.flushes()).isZero();
        fanout.runPendingTasks();
        assertThat(fanout.flushes()).isEqualTo(fanout.size());
        fanout.close();
    }

    @Test
    void eachConnectionKeepsItsOrderAcrossEarlyFlushes() {
        Fanout fanout = new Fanout(3 * FlushBatch.CHUNK, context, Set.of(), 0);
        Publication a = publication();
        Publication b = publication();
        Publication c = publication();
        fanout.connections.forEach(x -> x.send(a));
        fanout.connections.forEach(x -> x.send(b));
        fanout.connections.forEach(x -> x.send(c));
        fanout.runPendingTasks();
        for (int i = 0; i < fanout.size(); i++) {
            assertThat(fanout.framesOf(i)).containsExactly(a.data(), b.data(), c.data());
        }
        fanout.close();
    }

    @Test
    void aConnectionWrittenAgainAfterItsEarlyFlushEndsEarlyFlushingForTheRound() {
        // One task writing two publications to the same connections: a Redis lane's batch, a backlog
        // the loop's queue does not show. Flushing each chunk again would cost a call per message.
        Fanout fanout = new Fanout(2 * FlushBatch.CHUNK + 10, context, Set.of(), 0);
        Publication a = publication();
        Publication b = publication();
        fanout.connections.forEach(c -> c.send(a));
        assertThat(fanout.flushes()).isEqualTo(2 * FlushBatch.CHUNK);
        fanout.connections.forEach(c -> c.send(b));
        assertThat(fanout.flushes()).as("no early flush once a connection came round again").isEqualTo(2 * FlushBatch.CHUNK);

        fanout.runPendingTasks();
        assertThat(fanout.flushes()).as("the pass: one flush for every connection").isEqualTo(2 * FlushBatch.CHUNK + fanout.size());
        for (int i = 0; i < fanout.size(); i++) {
            assertThat(fanout.framesOf(i)).containsExactly(a.data(), b.data());
        }

        Publication c = publication();
        fanout.connections.forEach(x -> x.send(c));
        assertThat(fanout.flushes()).as("the next round flushes early again")
                .isEqualTo(2 * FlushBatch.CHUNK + fanout.size() + 2 * FlushBatch.CHUNK);
        fanout.runPendingTasks();
        fanout.close();
    }

    @Test
    void aPacedLoopDoesNotFlushEarlyAndSeveralPublicationsLeaveInOneFlushPerConnection() {
        // The first connection's socket takes 8 ms of the loop's clock: a long pass, so the next is paced.
        Fanout fanout = new Fanout(2 * FlushBatch.CHUNK + 10, context, Set.of(), 8);
        Publication first = publication();
        fanout.connections.forEach(c -> c.send(first));
        assertThat(fanout.flushes()).as("the loop kept up: chunks flushed early").isEqualTo(2 * FlushBatch.CHUNK);
        fanout.runPendingTasks();
        fanout.takeFrames();
        fanout.events.clear();

        Publication a = publication();
        Publication b = publication();
        fanout.connections.forEach(c -> c.send(a));
        fanout.connections.forEach(c -> c.send(b));
        fanout.runPendingTasks();
        assertThat(fanout.flushes()).as("the early flushes' 8 ms count toward the pace: 2 ms wait").isZero();
        fanout.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        fanout.runPendingTasks();
        assertThat(fanout.flushes()).as("one flush per connection").isEqualTo(fanout.size());
        for (int i = 0; i < fanout.size(); i++) {
            assertThat(fanout.framesOf(i)).containsExactly(a.data(), b.data());
        }
        fanout.close();
    }

    @Test
    void aSlowConsumerFoundByAnEarlyFlushIsClosedAndTheFanOutGoesOn() {
        // Connection 3's socket takes nothing: over the 16-byte bound at its first flush, inside the fan-out.
        TransportSettings smallQueue = TransportSettings.defaults("127.0.0.1", 0).withOutboundQueueBytes(16);
        Fanout fanout = new Fanout(2 * FlushBatch.CHUNK + 10, TestContexts.of(new RecordingObserver(), smallQueue),
                Set.of(3), 0);
        Publication p = publication();
        fanout.connections.forEach(c -> c.send(p));
        assertThat(fanout.connection(3).closeReason()).as("closed by the first early flush")
                .isEqualTo(DisconnectReason.SLOW_CONSUMER);

        fanout.runPendingTasks();
        for (int i = 0; i < fanout.size(); i++) {
            if (i != 3) {
                assertThat(fanout.framesOf(i)).as("connection " + i).containsExactly(p.data());
            }
        }
        fanout.close();
    }

    /** A WebSocket pipeline whose socket takes {@code millis} of the loop's clock per flush. */
    private static EmbeddedChannel socketWhoseFlushTakes(long millis) {
        EmbeddedChannel[] self = new EmbeddedChannel[1];
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                self[0].advanceTimeBy(millis, TimeUnit.MILLISECONDS);
                ctx.flush();
            }
        }, new WebSocket08FrameEncoder(false));
        self[0] = ch;
        ch.freezeTime();
        return ch;
    }

    private static int framesFlushed(EmbeddedChannel ch) {
        int n = 0;
        for (Object frame; (frame = ch.readOutbound()) != null; n++) {
            ReferenceCountUtil.release(frame);
        }
        return n;
    }

    private Publication publication() {
        ++offset;
        return new Publication(ChannelName.of("acme", "room:1"), new StreamPosition("e1", offset), "message",
                "\"p" + offset + "\"", 0);
    }

    /**
     * WebSocket connections on one embedded event loop (as a real loop holds thousands), each
     * recording its writes ({@code w<i>}) and flushes ({@code f<i>}) in one list. The recorder
     * stands in for the socket: an embedded channel's own flush and close run its loop's pending
     * tasks (the flush pass among them) inside the call, which a real loop never does; a socket
     * failing inside a flush is tested on a real loop (FanoutFlushIT).
     */
    private static final class Fanout {
        final List<String> events = new ArrayList<>();
        final List<WebSocketConnection> connections = new ArrayList<>();
        private final List<EmbeddedChannel> channels = new ArrayList<>();
        private final List<List<Object>> unflushed = new ArrayList<>();
        private final List<List<Object>> sent = new ArrayList<>();

        /**
         * @param neverFlushed connections whose socket takes nothing (slow consumers once over the bound)
         * @param firstFlushMillis loop time the first connection's flush takes
         */
        Fanout(int n, TransportContext context, Set<Integer> neverFlushed, long firstFlushMillis) {
            for (int i = 0; i < n; i++) {
                unflushed.add(new ArrayList<>());
                sent.add(new ArrayList<>());
                ChannelDuplexHandler socket = socket(i, neverFlushed.contains(i), i == 0 ? firstFlushMillis : 0);
                EmbeddedChannel ch;
                if (i == 0) {
                    ch = new EmbeddedChannel(socket, new WebSocket08FrameEncoder(false));
                    ch.freezeTime();
                } else {
                    ch = EmbeddedChannel.builder().register(false)
                            .handlers(socket, new WebSocket08FrameEncoder(false)).build();
                    channels.get(0).eventLoop().register(ch).syncUninterruptibly();
                }
                channels.add(ch);
                connections.add(new WebSocketConnection(ch, context));
            }
        }

        private ChannelDuplexHandler socket(int i, boolean takesNothing, long flushMillis) {
            return new ChannelDuplexHandler() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    events.add("w" + i);
                    if (takesNothing) {
                        ctx.write(msg, promise); // stays in the outbound buffer: the connection's backlog
                    } else {
                        unflushed.get(i).add(msg);
                    }
                }

                @Override
                public void flush(ChannelHandlerContext ctx) {
                    events.add("f" + i);
                    advanceTimeBy(flushMillis, TimeUnit.MILLISECONDS);
                    sent.get(i).addAll(unflushed.get(i));
                    unflushed.get(i).clear();
                }

                /** The writes still queued when the test closes the channel fail; nothing to see. */
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                }
            };
        }

        int size() {
            return channels.size();
        }

        WebSocketConnection connection(int i) {
            return connections.get(i);
        }

        long flushes() {
            return events.stream().filter(e -> e.startsWith("f")).count();
        }

        void runPendingTasks() {
            channels.get(0).runPendingTasks();
        }

        void advanceTimeBy(long amount, TimeUnit unit) {
            channels.get(0).advanceTimeBy(amount, unit);
        }

        /** The data of the publications connection {@code i} handed its socket in flushes, in order. */
        List<String> framesOf(int i) {
            List<String> data = new ArrayList<>();
            for (Object frame : sent.get(i)) {
                String text = ((ByteBuf) frame).toString(StandardCharsets.UTF_8);
                ReferenceCountUtil.release(frame);
                int at = text.indexOf("\"data\":");
                data.add(text.substring(at + 7, text.indexOf('"', at + 8) + 1));
            }
            sent.get(i).clear();
            return data;
        }

        void takeFrames() {
            for (int i = 0; i < size(); i++) {
                framesOf(i);
            }
        }

        /** Runs what is left (so no pass stays queued for the next test on this thread) and frees every buffer. */
        void close() {
            runPendingTasks();
            takeFrames();
            unflushed.forEach(l -> l.forEach(ReferenceCountUtil::release));
            channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        }
    }
}
