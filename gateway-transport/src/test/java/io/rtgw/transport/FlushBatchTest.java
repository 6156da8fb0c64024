package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Flush passes: at once after short ones, paced after long ones so a busy loop coalesces. */
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
        return new Publication(ChannelName.of("acme", "room:1"), new StreamPosition("e1", ++offset), "message", "1", 0);
    }
}
