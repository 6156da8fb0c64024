package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RTGW_REDIS_IO}: with the node's loops lent to a broker's pub/sub connections, its messages
 * and their lanes run on those loops while command replies stay on Lettuce's (a publish is answered
 * while the node's loops are busy), and closing every Redis user leaves the loops running; with
 * Lettuce's own loops, none of that runs on them.
 */
class SharedEventLoopsTest {
    private static final String PREFIX = "test-node-io";

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    /**
     * NIO loops, as the node's are with {@code -Drtgw.nio=true}; this module has no native epoll,
     * so Lettuce uses NIO here too (the server's tests cover epoll).
     */
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(PREFIX),
            NioIoHandler.newFactory());

    @BeforeEach
    void nioHere() {
        assumeTrue(Transports.socketChannelClass() == NioSocketChannel.class, "Lettuce uses NIO in this module");
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    /** The thread each publication reached the listener on. */
    private static final class ThreadRecorder implements BrokerListener {
        final CompletableFuture<String> thread = new CompletableFuture<>();

        @Override
        public void onPublication(Publication publication) {
            thread.complete(Thread.currentThread().getName());
        }

        @Override
        public void onChannelResync(ChannelName channel) {
        }
    }

    private static RedisBrokerConfig brokerConfig(ClientResources resources, ClientResources pubSub) {
        return RedisBrokerConfig.builder(redis.server().uri()).keyPrefix(redis.keyPrefix())
                .clientResources(resources).pubSubResources(pubSub).build();
    }

    private String deliveryThread(ClientResources resources, ClientResources pubSub) throws Exception {
        ThreadRecorder listener = new ThreadRecorder();
        ChannelName channel = ChannelName.of(redis.tenant(), "room:threads");
        try (RedisBroker broker = new RedisBroker(brokerConfig(resources, pubSub))) {
            broker.start(listener).get(30, TimeUnit.SECONDS);
            broker.subscribe(channel).get(10, TimeUnit.SECONDS);
            broker.publish(new PublishRequest(channel, "ev", "1", null)).get(10, TimeUnit.SECONDS);
            return listener.thread.get(30, TimeUnit.SECONDS);
        }
    }

    /** A reply that cannot be there before the callback is attached: BLPOP on an empty list, answered after a second. */
    private static String replyThread(ClientResources resources, String uri) throws Exception {
        RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.async().blpop(1, "nothing-here").toCompletableFuture()
                    .thenApply(reply -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void sharedLoopsCarryMessagesAndLanesWhileRepliesStayOnLettucesLoops() throws Exception {
        ClientResources resources = RedisResources.create();
        ClientResources pubSub = RedisResources.pubSubOn(resources, loops, NioSocketChannel.class).orElseThrow();
        assertThat(RedisResources.sharedLoops(pubSub)).contains(loops);
        assertThat(RedisResources.sharedLoops(resources)).isEmpty();
        try {
            assertThat(deliveryThread(resources, pubSub)).startsWith(PREFIX);
            assertThat(replyThread(resources, redis.server().uri())).doesNotStartWith(PREFIX);
            RedisControlPlane plane = new RedisControlPlane(brokerConfig(resources, null),
                    Duration.ofSeconds(1), Duration.ofHours(1), ControlPlanes.SKEW, Clock.systemUTC());
            plane.start("node-io", new ControlPlanes.Recorder(0)).get(30, TimeUnit.SECONDS);
            plane.close();
            RedisResources.shutdown(pubSub);
            assertThat(resources.eventExecutorGroup().isShuttingDown())
                    .as("the pub/sub resources borrow the command resources' threads, they do not own them").isFalse();
            assertThat(loops.isShuttingDown()).as("after the pub/sub resources shut down").isFalse();
        } finally {
            RedisResources.shutdown(pubSub);
            RedisResources.shutdown(resources);
        }
        assertThat(loops.isShuttingDown()).isFalse();
        assertThat(loops.submit(() -> "running").get(10, TimeUnit.SECONDS)).isEqualTo("running");
    }

    /**
     * The reason commands do not share the node's loops: a publish's reply read there waits behind
     * whatever those loops are doing (a fan-out), and a publisher that waits for its answers then
     * publishes once per loop turn. Here the loops are held outright; the publish is still answered.
     */
    @Test
    void aPublishIsAnsweredWhileTheNodesLoopsAreBusy() throws Exception {
        ClientResources resources = RedisResources.create();
        ClientResources pubSub = RedisResources.pubSubOn(resources, loops, NioSocketChannel.class).orElseThrow();
        CountDownLatch release = new CountDownLatch(1);
        ChannelName channel = ChannelName.of(redis.tenant(), "room:busy");
        try (RedisBroker broker = new RedisBroker(brokerConfig(resources, pubSub))) {
            ThreadRecorder listener = new ThreadRecorder();
            broker.start(listener).get(30, TimeUnit.SECONDS);
            broker.subscribe(channel).get(10, TimeUnit.SECONDS);
            CountDownLatch held = new CountDownLatch(2);
            for (var loop : loops) {
                loop.execute(() -> {
                    held.countDown();
                    awaitQuietly(release);
                });
            }
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.publish(new PublishRequest(channel, "ev", "1", null)).get(30, TimeUnit.SECONDS))
                    .isNotNull();
            assertThat(listener.thread).as("delivery waits for the loops").isNotDone();
            release.countDown();
            assertThat(listener.thread.get(30, TimeUnit.SECONDS)).startsWith(PREFIX);
        } finally {
            release.countDown();
            RedisResources.shutdown(pubSub);
            RedisResources.shutdown(resources);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void ownLoopsKeepRedisOffTheNodesLoops() throws Exception {
        ClientResources resources = RedisResources.create();
        try {
            assertThat(RedisResources.sharedLoops(resources)).isEmpty();
            assertThat(deliveryThread(resources, null)).startsWith("rtgw-redis-lane-");
            assertThat(replyThread(resources, redis.server().uri())).doesNotStartWith(PREFIX);
        } finally {
            RedisResources.shutdown(resources);
        }
    }

    @Test
    void loopsOfAnotherTransportAreNotLentToLettuce() {
        ClientResources resources = RedisResources.create();
        try {
            assertThat(RedisResources.pubSubOn(resources, loops, LocalChannel.class)).isEmpty();
        } finally {
            RedisResources.shutdown(resources);
        }
    }

    @Test
    void aWaitForRedisIsRefusedOnAnEventLoopAndAllowedElsewhere() throws Exception {
        LoopGuard.refuseOnEventLoop("a test's wait");
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        loops.execute(() -> {
            try {
                LoopGuard.refuseOnEventLoop("a test's wait");
                refused.complete(null);
            } catch (IllegalStateException e) {
                refused.complete(e);
            }
        });
        assertThat(refused.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a test's wait").hasMessageContaining(PREFIX);
    }
}
