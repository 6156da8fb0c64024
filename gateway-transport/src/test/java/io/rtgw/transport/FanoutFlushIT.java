package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.rtgw.core.ChannelName;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chunked flushing on a real event loop with real loopback sockets: what a fan-out task hands
 * the kernel while it is still writing, what a loop with work queued holds back, and what a
 * socket that fails or stops reading in the middle does to the others. The server side reads
 * nothing (auto-read off), so a client's reset is only found by a write, as in a fan-out.
 */
class FanoutFlushIT {
    private static final int N = 2 * FlushBatch.CHUNK + 10;
    private static final long PATIENCE_SECONDS = 60;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = (EventLoop) group.next();
    private final TransportContext context = TestContexts.of(new RecordingObserver(),
            TransportSettings.defaults("127.0.0.1", 0).withOutboundQueueBytes(64 * 1024));
    /** The server side of each client, by the client's port. */
    private final Map<Integer, Channel> accepted = new ConcurrentHashMap<>();
    /** Writes, flushes and inactive events of the server side, by client index; the loop's only. */
    private final List<String> events = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    /** What a fan-out iterates; a channel's inactive event takes its connection out, as a leaving session does. */
    private final List<WebSocketConnection> subscribers = new ArrayList<>();
    private final List<WebSocketConnection> connections = new ArrayList<>();
    private Channel server;
    private long offset;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(recorder(), new WebSocket08FrameEncoder(false));
                        accepted.put(((InetSocketAddress) ch.remoteAddress()).getPort(), ch);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        for (int i = 0; i < N; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(server.localAddress(), 30_000);
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
            clients.add(s);
        }
        Awaitility.await().atMost(PATIENCE_SECONDS, TimeUnit.SECONDS).until(() -> accepted.size() == N);
        for (Socket s : clients) {
            channels.add(accepted.get(s.getLocalPort()));
        }
        runOnLoop(() -> {
            channels.forEach(ch -> connections.add(new WebSocketConnection(ch, context)));
            subscribers.addAll(connections);
        });
    }

    @AfterEach
    void close() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
    }

    @Test
    void theFirstClientHasItsMessageBeforeTheFanOutWritesTheLast() throws Exception {
        Publication p = publication();
        String[] firstReadEarly = new String[1];
        runOnLoop(() -> {
            for (int i = 0; i < N; i++) {
                if (i == N - 1) {
                    // Only a test blocks its loop: if nothing was flushed yet, this read times out.
                    firstReadEarly[0] = readData(clients.get(0));
                }
                connections.get(i).send(p);
            }
        });
        assertThat(firstReadEarly[0]).isEqualTo(p.data());
        for (int i = 1; i < N; i++) {
            assertThat(readData(clients.get(i))).as("client " + i).isEqualTo(p.data());
        }
    }

    @Test
    void withWorkQueuedAheadTheLoopWritesEverythingFirstAndFlushesEachConnectionOnce() throws Exception {
        Publication a = publication();
        Publication b = publication();
        runOnLoop(() -> {
            // Both fan-outs are queued before the first runs, as publications wait on a busy loop.
            loop.execute(() -> subscribers.forEach(c -> c.send(a)));
            loop.execute(() -> subscribers.forEach(c -> c.send(b)));
        });
        for (int i = 0; i < N; i++) {
            assertThat(readData(clients.get(i))).as("client " + i).isEqualTo(a.data());
            assertThat(readData(clients.get(i))).as("client " + i).isEqualTo(b.data());
        }
        List<String> seen = onLoop(() -> new ArrayList<>(events));
        for (int i = 0; i < N; i++) {
            String tag = ":" + i;
            assertThat(seen.stream().filter(e -> e.endsWith(tag)).toList()).as("client " + i)
                    .containsExactly("w" + tag, "w" + tag, "f" + tag);
        }
        int firstFlush = seen.indexOf("f:0");
        assertThat(seen.subList(0, firstFlush)).as("every write before any flush").hasSize(2 * N)
                .allMatch(e -> e.startsWith("w"));
    }

    @Test
    void aResetAndASlowClientInsideEarlyFlushesLeaveTheFanOutAndTheOthersDeliveries() throws Exception {
        int reset = 3;
        int slow = 4;
        Socket gone = clients.get(reset);
        int gonePort = gone.getLocalPort();
        gone.setSoLinger(true, 0);
        gone.close(); // an RST: the server's next write to it fails
        Assumptions.assumeTrue(Files.isReadable(PROC_NET_TCP), "needs Linux's socket table to see the reset arrive");
        Awaitility.await().atMost(PATIENCE_SECONDS, TimeUnit.SECONDS)
                .until(() -> !kernelHasConnection(((InetSocketAddress) server.localAddress()).getPort(), gonePort));
        // The slow client reads nothing; a backlog past the kernel's buffers stays in Netty's queue.
        runOnLoop(() -> channels.get(slow).writeAndFlush(Unpooled.wrappedBuffer(new byte[1024 * 1024])));

        Publication p = publication();
        boolean[] closedInside = new boolean[1];
        List<String> duringFanOut = onLoop(() -> {
            for (WebSocketConnection c : subscribers) { // fails if an inactive event ran inside a flush
                c.send(p);
            }
            closedInside[0] = !channels.get(reset).isOpen();
            return new ArrayList<>(events);
        });
        assertThat(closedInside[0]).as("the reset socket closed inside an early flush").isTrue();
        assertThat(duringFanOut.indexOf("f:" + reset)).isLessThan(duringFanOut.indexOf("w:" + (N - 1)));
        assertThat(duringFanOut).doesNotContain("inactive:" + reset);
        assertThat(onLoop(() -> connections.get(slow).closeReason())).isEqualTo(DisconnectReason.SLOW_CONSUMER);
        for (int i = 0; i < N; i++) {
            if (i != reset && i != slow) {
                assertThat(readData(clients.get(i))).as("client " + i).isEqualTo(p.data());
            }
        }
        Awaitility.await().atMost(PATIENCE_SECONDS, TimeUnit.SECONDS)
                .until(() -> onLoop(() -> events.contains("inactive:" + reset)));
    }

    private ChannelDuplexHandler recorder() {
        return new ChannelDuplexHandler() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                events.add("w:" + index(ctx.channel()));
                ctx.write(msg, promise);
            }

            @Override
            public void flush(ChannelHandlerContext ctx) {
                events.add("f:" + index(ctx.channel()));
                ctx.flush();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // what the session handlers do with a failed write
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                int i = index(ctx.channel());
                events.add("inactive:" + i);
                if (i >= 0) {
                    subscribers.remove(connections.get(i));
                }
                ctx.fireChannelInactive();
            }
        };
    }

    private int index(Channel ch) {
        return channels.indexOf(ch);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    private void runOnLoop(Runnable task) throws Exception {
        loop.submit(task).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    /** The data of the next message frame the client reads. */
    private static String readData(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            }
            String text = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            int at = text.indexOf("\"data\":");
            return text.substring(at + 7, text.indexOf('"', at + 8) + 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Path PROC_NET_TCP = Path.of("/proc/net/tcp");

    /** Whether the kernel still lists the server's socket for this client (a reset removes it). */
    private static boolean kernelHasConnection(int serverPort, int clientPort) throws IOException {
        String local = String.format(":%04X ", serverPort);
        String remote = String.format(":%04X ", clientPort);
        return Files.readAllLines(PROC_NET_TCP).stream()
                .map(line -> line.trim().split("\\s+"))
                .filter(f -> f.length > 3)
                .anyMatch(f -> (f[1] + " ").endsWith(local) && (f[2] + " ").endsWith(remote));
    }

    private Publication publication() {
        ++offset;
        return new Publication(ChannelName.of("acme", "room:1"), new StreamPosition("e1", offset), "message",
                "\"p" + offset + "\"", 0);
    }
}
