package io.rtgw.bench.floor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.rtgw.transport.EventLoops;
import java.net.InetSocketAddress;

/**
 * The floor of issue 17 (target 3): what the kernel and Netty alone cost per delivery. Subscribers
 * open a WebSocket on {@code /sub/<channel>}; {@code POST /pub} carries publications, one
 * {@code <channel> <payload>} line each, and every publication is encoded once into a WebSocket
 * frame that is written, as is, to each subscriber of the channel. No JSON, no sessions, no
 * history, no authentication. The event loops are the gateway's own ({@link EventLoops}, sized
 * the way the gateway sizes them), so the epoll/NIO choice and the thread layout are the same.
 *
 * <p>Started by the bench as {@code java -cp rtgw-bench.jar io.rtgw.bench.floor.FloorServer}, pinned
 * like the gateway; prints {@code floor listening: public <host:port> admin <host:port>}.
 */
public final class FloorServer {
    /** A publication is one bench payload (under 1 KiB unless padded); a request holds at most 60 KiB of them. */
    private static final int MAX_BODY = 1 << 20;

    private FloorServer() {
    }

    public static void main(String[] args) throws Exception {
        EventLoops loops = new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
        Subscribers subscribers = new Subscribers(loops.workers());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(SubscriberHandler.PATH).checkStartsWith(true).handleCloseFrames(true)
                .dropPongFrames(true).maxFramePayloadLength(64 * 1024).build();
        Channel pub = new ServerBootstrap().group(loops.acceptors(), loops.workers()).channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096).childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(ws), new SubscriberHandler(subscribers));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        Channel admin = new ServerBootstrap().group(loops.admin()).channel(loops.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY),
                                new PublishHandler(subscribers));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        System.out.println("floor listening: public " + hostPort(pub) + " admin " + hostPort(admin)
                + (loops.epoll() ? " (epoll)" : " (nio)"));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(loops::close, "floor-stop"));
        pub.closeFuture().sync();
    }

    private static String hostPort(Channel c) {
        InetSocketAddress a = (InetSocketAddress) c.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
