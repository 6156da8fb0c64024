package io.rtgw.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's event loops: native epoll where the platform has it, NIO otherwise. */
public final class EventLoops implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoops.class);

    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final EventLoopGroup admin;
    private final Class<? extends ServerChannel> serverChannel;
    private final boolean epoll;

    public EventLoops(int workerThreads) {
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("rtgw.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rtgw-accept"), factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("rtgw-io"), factory);
        this.admin = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rtgw-admin"), factory);
        this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        if (!epoll) {
            log.info("native epoll unavailable ({}); using NIO",
                    Epoll.unavailabilityCause() == null ? "disabled" : Epoll.unavailabilityCause().toString());
        }
    }

    public EventLoopGroup acceptors() {
        return acceptors;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * The admin listener's own loop: a publish request is read as it arrives instead of after the
     * fan-out tasks queued on a client loop (measured: fan-out kept up to 900 msg/s instead of 700),
     * and a metrics scrape never holds deliveries back.
     */
    public EventLoopGroup admin() {
        return admin;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    /** The client socket type of these loops (the hooks' connections to the app). */
    public Class<? extends io.netty.channel.socket.SocketChannel> socketChannel() {
        return epoll ? io.netty.channel.epoll.EpollSocketChannel.class : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    public boolean epoll() {
        return epoll;
    }

    /**
     * Stops the acceptor and admin loops and leaves the workers running: Redis connections may
     * run on them ({@code RTGW_REDIS_IO=shared}) and must close before them.
     */
    public void stopListening(Duration quiet) {
        acceptors.shutdownGracefully(0, quiet.toMillis(), TimeUnit.MILLISECONDS);
        admin.shutdownGracefully(0, quiet.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void shutdown(Duration quiet) {
        stopListening(quiet);
        workers.shutdownGracefully(0, quiet.toMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        shutdown(Duration.ofMillis(100));
    }
}
