package io.rtgw.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The floor's flush policies on embedded channels sharing one loop (as a real loop holds
 * thousands): batched, publish requests queued on a busy loop leave in one flush per subscriber,
 * as the gateway's do; per request, every request flushes every subscriber it wrote.
 */
class SubscribersFlushTest {
    private final List<EmbeddedChannel> sockets = new ArrayList<>();
    /** Per socket, in order: {@code w:<payload>} for a frame written, {@code f} for a flush. */
    private final List<List<String>> seen = new ArrayList<>();
    /** Every socket's writes ({@code w<i>}) and flushes ({@code f<i>}), in the order they happened. */
    private final List<String> all = new ArrayList<>();

    @Test
    void batchedTwoRequestsQueuedTogetherLeaveInOneFlushPerSubscriber() {
        twoRequestsQueuedTogether(FlushPolicy.BATCH);
        seen.forEach(s -> assertThat(s).containsExactly("w:one", "w:two", "f"));
    }

    @Test
    void perRequestEveryRequestFlushesEverySubscriberItWrote() {
        twoRequestsQueuedTogether(FlushPolicy.REQUEST);
        seen.forEach(s -> assertThat(s).containsExactly("w:one", "f", "w:two", "f"));
    }

    /** Two publish requests for channel {@code a} reach a busy loop before it runs either. */
    private void twoRequestsQueuedTogether(FlushPolicy policy) {
        Subscribers subscribers = subscribers(policy, 20);
        subscribers.deliver(List.of("a"), frames("one"));
        subscribers.deliver(List.of("a"), frames("two"));
        runLoop();
    }

    @Test
    void batchedALargeFanOutOnALoopThatKeepsUpFlushesItsFirstSubscribersBeforeItWritesTheLast() {
        // More subscribers than the gateway's flush chunk: the first ones' bytes leave while the
        // fan-out is still writing, as the gateway's connections' do (FlushBatch).
        Subscribers subscribers = subscribers(FlushPolicy.BATCH, 600);
        subscribers.deliver(List.of("a"), frames("one"));
        runLoop();
        assertThat(all.indexOf("f0")).as("the first subscriber flushed").isNotNegative()
                .isLessThan(all.indexOf("w599"));
        seen.forEach(s -> assertThat(s).containsExactly("w:one", "f"));
    }

    /** {@code n} subscribers of channel {@code a}, each on its own embedded socket, all on one loop. */
    private Subscribers subscribers(FlushPolicy policy, int n) {
        for (int i = 0; i < n; i++) {
            seen.add(new ArrayList<>());
            EmbeddedChannel ch;
            if (i == 0) {
                ch = new EmbeddedChannel(recorder(i));
            } else {
                ch = EmbeddedChannel.builder().register(false).handlers(recorder(i)).build();
                sockets.get(0).eventLoop().register(ch).syncUninterruptibly();
            }
            sockets.add(ch);
        }
        Subscribers subscribers = new Subscribers(sockets.get(0).eventLoop(), policy);
        sockets.forEach(ch -> subscribers.add("a", ch));
        return subscribers;
    }

    /**
     * Stands in for the socket: records and frees what it is handed. An embedded channel's own
     * flush would run the loop's pending tasks inside the call, which a real loop never does.
     */
    private ChannelDuplexHandler recorder(int i) {
        return new ChannelDuplexHandler() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                seen.get(i).add("w:" + ((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                all.add("w" + i);
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void flush(ChannelHandlerContext ctx) {
                seen.get(i).add("f");
                all.add("f" + i);
            }
        };
    }

    /** The frames as the publish handler hands them over (the bytes themselves stand for a frame here). */
    private static List<ByteBuf> frames(String payload) {
        return List.of(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    }

    private void runLoop() {
        sockets.get(0).runPendingTasks();
    }

    @AfterEach
    void closeSockets() {
        runLoop(); // no flush pass left queued for the next test on this thread
        sockets.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
