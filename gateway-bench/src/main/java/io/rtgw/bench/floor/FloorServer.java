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
 * history, no authentication. Subscribers are flushed by the gateway's own policy
 * ({@link FlushPolicy#BATCH}) unless told to flush per request. The event loops are the
 * gateway's own ({@link EventLoops}, sized the way the gateway sizes them), so the epoll/NIO
 * choice and the thread layout are the same.
 *
 * <p>Started by the bench as {@code java -cp rtgw-bench.jar io.rtgw.bench.floor.FloorServer}, pinned
 * like the gateway; prints {@code floor listening: public <host:port> admin <host:port>}.
 */
public final class FloorServer implements AutoCloseable {
    /** A publication is one bench payload (under 1 KiB unless padded); a request holds at most 60 KiB of them. */
    private static final int MAX_BODY = 1 << 20;
    private final EventLoops loops;
    private final Channel pub;
    private final Channel admin;

    private FloorServer(FlushPolicy flush) throws InterruptedException {
        loops = new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
        Subscribers subscribers = new Subscribers(loops.workers(), flush);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(SubscriberHandler.PATH).checkStartsWith(true).handleCloseFrames(true)
                .dropPongFrames(true).maxFramePayloadLength(64 * 1024).build();
        pub = new ServerBootstrap().group(loops.acceptors(), loops.workers()).channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096).childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(ws), new SubscriberHandler(subscribers));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        admin = new ServerBootstrap().group(loops.admin()).channel(loops.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY),
                                new PublishHandler(subscribers));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** Both listeners on loopback, on ports the OS picks. */
    public static FloorServer start(FlushPolicy flush) throws InterruptedException {
        return new FloorServer(flush);
    }

    /** Arguments: {@code [--flush batch|request]} (default batch). */
    public static void main(String[] args) throws Exception {
        FlushPolicy flush = FlushPolicy.BATCH;
        if (args.length == 2 && args[0].equals("--flush")) {
            flush = FlushPolicy.parse(args[1]);
        } else if (args.length != 0) {
            throw new IllegalArgumentException("usage: FloorServer [--flush batch|request]");
        }
        FloorServer server = start(flush);
        System.out.println("floor listening: public " + server.publicAddress() + " admin " + server.adminAddress()
                + (server.loops.epoll() ? " (epoll)" : " (nio)") + " flush " + flush.label());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "floor-stop"));
        server.pub.closeFuture().sync();
    }

    /** host:port of the subscribers' listener. */
    public String publicAddress() {
        return hostPort(pub);
    }

    /** host:port of {@code POST /pub}. */
    public String adminAddress() {
        return hostPort(admin);
    }

    private static String hostPort(Channel c) {
        InetSocketAddress a = (InetSocketAddress) c.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void close() {
        loops.close();
    }
}
