package io.rtgw.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The worker's sockets: native epoll event loops, and a source address per connection taken in
 * turn from 127.0.0.2, 127.0.0.3, … With {@code IP_BIND_ADDRESS_NO_PORT} the kernel picks the
 * port at connect time for the whole 4-tuple, so each source address has its own ~28k ephemeral
 * ports instead of all sharing one range.
 */
final class Net implements AutoCloseable {
    final EventLoopGroup group;
    final boolean epoll;
    private final InetAddress[] sources;
    private final Bootstrap template;

    Net(int threads, int sourceCount) {
        epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, factory);
        sources = new InetAddress[Math.max(1, sourceCount)];
        for (int i = 0; i < sources.length; i++) {
            try {
                sources[i] = InetAddress.getByAddress(new byte[] {127, 0, (byte) ((i + 2) >> 8), (byte) ((i + 2) & 0xff)});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        template = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        if (epoll) {
            template.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    /** A bootstrap whose channel lives on {@code loop}, the client's own event loop. */
    Bootstrap bootstrap(io.netty.channel.EventLoop loop) {
        return template.clone(loop);
    }

    InetSocketAddress source(int clientIndex) {
        return new InetSocketAddress(sources[clientIndex % sources.length], 0);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
