package io.rtgw.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.rtgw.transport.EventLoops;
import java.net.InetSocketAddress;

/**
 * The admin listener: metrics, health and the server API. A separate socket from the public one,
 * so nothing here is ever reachable through the address browsers use.
 */
public final class AdminServer implements AutoCloseable {
    private final EventLoops loops;
    private final String bind;
    private final int port;
    private final int maxBodyBytes;
    private final AdminRoutes routes = new AdminRoutes();
    private ApiRequestCounter counter = ApiRequestCounter.NONE;
    private Channel channel;

    public AdminServer(EventLoops loops, String bind, int port, int maxBodyBytes) {
        this.loops = loops;
        this.bind = bind;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A path that is not counted as a server-API call ({@code /metrics}, health). */
    public AdminServer route(String path, AdminRoute route) {
        routes.add(path, null, route);
        return this;
    }

    /** A server-API route, counted under {@code endpoint}; a path may have one route per method. */
    public AdminServer api(String path, String endpoint, AdminRoute route) {
        routes.add(path, endpoint, route);
        return this;
    }

    /** A server-API route for every path below {@code prefix} (the rest of the path is an id). */
    public AdminServer apiPrefix(String prefix, String endpoint, AdminRoute route) {
        routes.addPrefix(prefix, endpoint, route);
        return this;
    }

    public AdminServer counting(ApiRequestCounter apiCounter) {
        this.counter = apiCounter;
        return this;
    }

    public InetSocketAddress start() throws InterruptedException {
        AdminRoutes table = routes;
        ApiRequestCounter apiCounter = counter;
        channel = new ServerBootstrap()
                .group(loops.acceptors(), loops.admin())
                .channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new JsonTooLarge(maxBodyBytes, table, apiCounter))
                                .addLast(new AdminHandler(table, apiCounter));
                    }
                })
                .bind(bind, port).sync().channel();
        return address();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
