package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.DisconnectReason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timers a connection schedules on its (real) event loop end with its channel: a closed
 * connection leaves nothing in the loop's timer queue (which would keep it reachable until fired).
 */
class ConnectionTimersTest {
    /** An event loop that can tell whether any timer is still queued. */
    private static final class InspectableLoop extends DefaultEventLoop {
        boolean hasTimers() throws Exception {
            return submit(() -> nextScheduledTaskNano() != -1).get(30, TimeUnit.SECONDS);
        }
    }

    private final InspectableLoop loop = new InspectableLoop();
    private final RecordingObserver observer = new RecordingObserver();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionThatHangsUpBeforeItsRequestLeavesNoHandshakeTimer() throws Exception {
        LocalAddress address = new LocalAddress("handshake-" + System.nanoTime());
        CompletableFuture<Channel> serverSide = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.pipeline().addFirst(new HandshakeTimeoutHandler(Duration.ofMinutes(10)));
                        serverSide.complete(ctx.channel());
                        ctx.fireChannelActive();
                    }
                }).bind(address).sync().channel();
        try {
            Channel client = new Bootstrap().group(loop).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            Channel channel = serverSide.get(30, TimeUnit.SECONDS);
            assertThat(loop.hasTimers()).as("the handshake timer runs while the request is awaited").isTrue();
            client.close().sync();
            await().atMost(Duration.ofSeconds(30)).until(() -> !channel.isOpen());
            await().atMost(Duration.ofSeconds(30)).until(() -> !loop.hasTimers());
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aWebSocketClosedByTheServerAndAnsweredByThePeerLeavesNoTimer() throws Exception {
        TransportContext context = TestContexts.of(observer, TransportSettings.defaults("127.0.0.1", 0));
        CompletableFuture<Channel> serverSide = new CompletableFuture<>();
        LocalAddress address = new LocalAddress("timers-" + System.nanoTime());
        Channel server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        serverSide.complete(ctx.channel());
                    }
                }).bind(address).sync().channel();
        try {
            Channel client = new Bootstrap().group(loop).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            boolean close = msg instanceof CloseWebSocketFrame;
                            ReferenceCountUtil.release(msg);
                            if (close) {
                                ctx.close(); // the peer answers the closing handshake by hanging up
                            }
                        }
                    }).connect(address).sync().channel();
            Channel channel = serverSide.get(30, TimeUnit.SECONDS);
            WebSocketConnection connection = new WebSocketConnection(channel, context);
            loop.submit(() -> connection.close(DisconnectReason.SHUTDOWN)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> !channel.isOpen() && !client.isOpen());
            assertThat(loop.hasTimers()).as("the close-reply wait and the forced close are cancelled").isFalse();
        } finally {
            server.close().sync();
        }
    }
}
