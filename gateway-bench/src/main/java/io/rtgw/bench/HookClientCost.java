package io.rtgw.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a hook request costs the gateway (docs/performance.md, "Hooks"): the JDK
 * {@link HttpClient} off the event loops (what the gateway uses) against Netty's HTTP client on an
 * event loop, both POSTing a connect-hook body to a trivial app on loopback over keep-alive
 * connections, closed loop with a fixed number of requests in flight. Reports requests per
 * second, the client's CPU per request (process CPU minus the app's threads) and latency.
 *
 * <pre>java -cp gateway-bench/target/gateway-bench.jar io.rtgw.bench.HookClientCost [requests] [inFlight]</pre>
 */
public final class HookClientCost {
    private static final byte[] BODY = "{\"transport\":\"websocket\",\"address\":\"127.0.0.1\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = "{\"user\":\"alice\",\"tenant\":\"acme\",\"channels\":[\"room:*\"]}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String SERVER_THREADS = "hookcost-app";
    /** Connections the app accepted: keep-alive must hold them at the number in flight. */
    private static final AtomicInteger ACCEPTED = new AtomicInteger();

    private HookClientCost() {
    }

    interface Client extends AutoCloseable {
        /** Sends one request; {@code done} runs when its answer has arrived. */
        void send(Runnable done);
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        EventLoopGroup app = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(SERVER_THREADS),
                NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(app).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ACCEPTED.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new App());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        System.out.printf("hook client cost: %,d requests, %d in flight, %d cores%n", requests, inFlight,
                Runtime.getRuntime().availableProcessors());
        for (int round = 0; round < 2; round++) { // the first round warms both up
            try (Client jdk = new JdkClient(port)) {
                measure(round == 0 ? "warm-up jdk" : "JDK HttpClient (sendAsync, 2 threads)", jdk, requests, inFlight);
            }
            try (Client netty = new NettyClient(port, inFlight)) {
                measure(round == 0 ? "warm-up netty" : "Netty HTTP client (1 event loop)", netty, requests, inFlight);
            }
        }
        server.close().sync();
        app.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    private static void measure(String name, Client client, int requests, int inFlight) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(3);
        AtomicInteger started = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(requests);
        int accepted0 = ACCEPTED.get();
        long cpu0 = processCpu();
        long app0 = threadsCpu(SERVER_THREADS);
        long t0 = System.nanoTime();
        for (int i = 0; i < inFlight; i++) {
            loop(client, started, finished, requests, latency);
        }
        finished.await();
        long wall = System.nanoTime() - t0;
        long clientCpu = (processCpu() - cpu0) - (threadsCpu(SERVER_THREADS) - app0);
        System.out.printf("%-40s %,9.0f req/s  client CPU %6.1f µs/req  latency p50 %5d µs  p99 %6d µs  connections %d%n",
                name, requests / (wall / 1e9), clientCpu / 1e3 / requests, latency.getValueAtPercentile(50) / 1000,
                latency.getValueAtPercentile(99) / 1000, ACCEPTED.get() - accepted0);
    }

    private static void loop(Client client, AtomicInteger started, CountDownLatch finished, int requests,
                             Histogram latency) {
        if (started.getAndIncrement() >= requests) {
            return;
        }
        long t = System.nanoTime();
        client.send(() -> {
            latency.recordValue(System.nanoTime() - t);
            finished.countDown();
            loop(client, started, finished, requests, latency);
        });
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long threadsCpu(String prefix) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** The app: answers every POST 200 with a connect answer, keep-alive. */
    private static final class App extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(ANSWER));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, ANSWER.length);
            ctx.writeAndFlush(response);
        }
    }

    /** As the gateway asks: sendAsync on a client with its own two completion threads. */
    private static final class JdkClient implements Client {
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
        private final URI url;

        JdkClient(int port) {
            url = URI.create("http://127.0.0.1:" + port + "/connect");
        }

        @Override
        public void send(Runnable done) {
            HttpRequest.Builder b = HttpRequest.newBuilder(url);
            if (!Boolean.getBoolean("hookcost.noTimeout")) {
                b.timeout(java.time.Duration.ofSeconds(2));
            }
            HttpRequest request = b
                    .header("Content-Type", "application/json").header("Cookie", "sid=abc")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenRun(done);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /** Netty's client: one keep-alive channel per request in flight, all on one event loop. */
    private static final class NettyClient implements Client {
        private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final java.util.concurrent.ConcurrentLinkedQueue<Channel> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();

        NettyClient(int port, int connections) throws InterruptedException {
            Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                                            Runnable done = ctx.channel().attr(DONE).getAndSet(null);
                                            idle.add(ctx.channel());
                                            done.run();
                                        }
                                    });
                        }
                    });
            for (int i = 0; i < connections; i++) {
                idle.add(b.connect("127.0.0.1", port).sync().channel());
            }
        }

        private static final io.netty.util.AttributeKey<Runnable> DONE = io.netty.util.AttributeKey.valueOf("done");

        @Override
        public void send(Runnable done) {
            Channel ch = idle.poll();
            ch.attr(DONE).set(done);
            ByteBuf body = Unpooled.wrappedBuffer(BODY);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/connect", body);
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.COOKIE, "sid=abc").setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            ch.writeAndFlush(request);
        }

        @Override
        public void close() throws InterruptedException {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
