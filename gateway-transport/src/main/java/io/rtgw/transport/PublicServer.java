package io.rtgw.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The public listener: browsers and devices connect here. Every path is an {@link HttpEndpoint};
 * the pipeline is the same for all until an endpoint takes the connection over (WebSocket, SSE).
 */
public final class PublicServer implements AutoCloseable {
    /** Tokens up to 8 KiB must reach the authenticator (401 oversized); beyond this the codec answers 431. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_REQUEST_BODY = 16 * 1024;
    /**
     * Method, path and version (a few bytes; 1 KiB of slack) plus the longest valid stream query,
     * so the documented 64 channels of maximum length are accepted (docs/protocol.md §4) and
     * anything longer still gets 431 from the codec. About 49 KiB: the decoder's line buffer grows
     * to what a request sends, so the limit costs nothing until a request uses it.
     */
    static final int MAX_INITIAL_LINE = 1024 + StreamRequest.MAX_QUERY_LENGTH;
    /**
     * One receive-size policy for all connections. Netty's default is a new allocator object in
     * every channel's config; it holds only the policy (each channel keeps its own size state in
     * its handle), so one shared instance is the same behaviour without an object per socket.
     */
    private static final AdaptiveRecvByteBufAllocator RECEIVE_SIZES = new AdaptiveRecvByteBufAllocator();

    /** Closing runs each connection's close on its loop; a loop this late has bigger troubles. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final TransportContext context;
    private final EventLoops loops;
    private final Map<String, HttpEndpoint> endpoints = new HashMap<>();
    /**
     * Every accepted socket, so that {@link #close()} ends the connections while the worker loops
     * keep running: Redis connections may share those loops ({@code RTGW_REDIS_IO=shared}), and
     * the sessions' last words (presence leaves, events) still go through them.
     */
    private final ChannelGroup accepted = new DefaultChannelGroup("rtgw-public", ImmediateEventExecutor.INSTANCE);
    private Channel serverChannel;

    public PublicServer(TransportContext context, EventLoops loops) {
        this.context = Objects.requireNonNull(context, "context");
        this.loops = Objects.requireNonNull(loops, "loops");
        endpoints.put("/ws", new WebSocketEndpoint(context));
        endpoints.put("/sse", new SseEndpoint(context));
        endpoints.put("/poll", new LongPollEndpoint(context));
    }

    /** Adds or replaces the endpoint of a path; before {@link #start()} only. */
    public PublicServer route(String path, HttpEndpoint endpoint) {
        endpoints.put(path, endpoint);
        return this;
    }

    public TransportContext context() {
        return context;
    }

    public InetSocketAddress start() throws InterruptedException {
        Map<String, HttpEndpoint> routes = Map.copyOf(endpoints);
        SocketAdmission admission = new SocketAdmission(context);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                // No WRITE_BUFFER_WATER_MARK: writability is not a backpressure signal here, the
                // outbound queue bound is (see ChannelConnection#flushNow).
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        if (!admission.admit(ch)) {
                            return;
                        }
                        initPipeline(ch.pipeline(), routes, context);
                    }
                });
        serverChannel = bootstrap.bind(context.settings().bind(), context.settings().port()).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Every connection's handlers; the fuzz tests run the same pipeline on EmbeddedChannels. */
    static void initPipeline(ChannelPipeline pipeline, Map<String, HttpEndpoint> routes, TransportContext context) {
        pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192))
                // behind the codec: it times whole requests and answers
                .addLast("request-timeout", new HandshakeTimeoutHandler(
                        context.limits().handshakeTimeout(), context.limits().idleTimeout()))
                .addLast("cors", new CorsHeaders(context.origins()))
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY))
                .addLast("order", new ResponseOrder())
                .addLast("router", new HttpRouter(routes, context));
    }

    /** The endpoints of the standard paths, as {@link #start()} routes them unless replaced. */
    Map<String, HttpEndpoint> routes() {
        return Map.copyOf(endpoints);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening, then closes every accepted connection and waits (a while) for their closes. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        accepted.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
