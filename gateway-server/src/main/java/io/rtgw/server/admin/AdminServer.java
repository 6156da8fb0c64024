package io.rtgw.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.rtgw.transport.EventLoops;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin listener: metrics, health and the server API. A separate socket from the public one,
 * so nothing here is ever reachable through the address browsers use.
 */
public final class AdminServer implements AutoCloseable {
    private final EventLoops loops;
    private final String bind;
    private final int port;
    private final int maxBodyBytes;
    private final Map<String, AdminRoute> routes = new LinkedHashMap<>();
    private Channel channel;

    public AdminServer(EventLoops loops, String bind, int port, int maxBodyBytes) {
        this.loops = loops;
        this.bind = bind;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
    }

    public AdminServer route(String path, AdminRoute route) {
        routes.put(path, route);
        return this;
    }

    public InetSocketAddress start() throws InterruptedException {
        Map<String, AdminRoute> table = Map.copyOf(routes);
        channel = new ServerBootstrap()
                .group(loops.acceptors(), loops.admin())
                .channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(maxBodyBytes))
                                .addLast(new AdminHandler(table));
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
