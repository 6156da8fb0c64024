package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java consumer of docs/events.md ({@code examples/events/java/LastSeen.java}), compiled as
 * shipped and run against a real node and redis-server: its "last seen" table follows the stream.
 */
@Timeout(150)
class EventsExampleIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "events", "java", "LastSeen.java");
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private static String jarOf(Class<?> type) throws Exception {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    private static Class<?> compileExample(Path out) throws Exception {
        String classpath = Stream.of(RedisClient.class, io.netty.channel.Channel.class, io.netty.util.Timer.class,
                        io.netty.buffer.ByteBuf.class, io.netty.handler.codec.ByteToMessageDecoder.class,
                        reactor.core.publisher.Mono.class, org.reactivestreams.Publisher.class)
                .map(c -> {
                    try {
                        return jarOf(c);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).distinct().collect(Collectors.joining(File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", out.toString(), "-cp", classpath, EXAMPLE.toString());
        assertThat(status).as("javac " + EXAMPLE).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[]{out.toUri().toURL()}, EventsExampleIT.class.getClassLoader());
        return loader.loadClass("LastSeen");
    }

    @Test
    void theLastSeenExampleFollowsUsersOnlineAndOffline(@TempDir Path classes) throws Exception {
        assertThat(Files.exists(EXAMPLE)).isTrue();
        Class<?> lastSeen = compileExample(classes);
        String tenant = redis.tenant();
        RedisClient client = RedisClient.create(redis.server().uri());
        try (RunningGateway node = RedisE2e.node(redis.server().uri(), EventsRedisIT.settings("300ms"))) {
            Constructor<?> make = lastSeen.getConstructor(RedisCommands.class, String.class, String.class, String.class);
            Object app = make.newInstance(client.connect().sync(), tenant, "last-seen", "c1");
            Method poll = lastSeen.getMethod("poll", Duration.class);
            Method table = lastSeen.getMethod("table");

            try (WsClient ws = WsClient.connect(node.ws(), token("alice", tenant, "room:*"))) {
                ws.await("welcome", m -> true);
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    poll.invoke(app, Duration.ofMillis(200));
                    return online((Map<?, ?>) table.invoke(app), "alice") == Boolean.TRUE;
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                poll.invoke(app, Duration.ofMillis(200));
                return online((Map<?, ?>) table.invoke(app), "alice") == Boolean.FALSE;
            });
            // everything read was acknowledged: nothing is pending in the group
            assertThat(client.connect().sync().xpending(EventStreamReader.key(tenant), "last-seen").getCount()).isZero();
        } finally {
            client.shutdown();
        }
    }

    private static Boolean online(Map<?, ?> table, String user) throws Exception {
        Object row = table.get(user);
        return row == null ? null : (Boolean) row.getClass().getMethod("online").invoke(row);
    }
}
