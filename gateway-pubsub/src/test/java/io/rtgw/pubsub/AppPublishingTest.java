package io.rtgw.pubsub;

import static io.rtgw.testkit.RespClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What apps do directly against Redis (docs/protocol.md §6), and what they must not be able to do. */
class AppPublishingTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private final RecordingListener listener = new RecordingListener();
    private RedisBroker broker;
    private RedisServer server;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        broker = new RedisBroker(TestBrokers.config(server.uri(), null)
                .policies(HistoryPolicy.DEFAULT, Map.of("tiny", new HistoryPolicy(2, Duration.ofMinutes(1))))
                .build());
        broker.start(listener).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private ChannelName subscribed(String name) throws Exception {
        ChannelName channel = ChannelName.of(redis.tenant(), name);
        broker.subscribe(channel).get(10, TimeUnit.SECONDS);
        return channel;
    }

    private String key(ChannelName channel) {
        return "rtgw:{" + channel.tenant() + ":" + channel.name() + "}";
    }

    @Test
    void anFcallFromRedisCliReturnsTheIdTheNodeDelivers() throws Exception {
        ChannelName room = subscribed("room:42");
        String id = server.cli("FCALL", "rtgw_publish", "1", key(room), "chat", "{\n  \"text\": \"hi\"\r\n}");
        String second = server.cli("FCALL", "rtgw_publish", "1", key(room), "", "[1, 2.50, 1e400]");

        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == 2);
        Publication first = listener.of(room).get(0);
        assertThat(first.position()).hasToString(id);
        assertThat(first.event()).isEqualTo("chat");
        assertThat(first.data()).isEqualTo("{\"text\":\"hi\"}").doesNotContain("\n", "\r");
        Publication next = listener.of(room).get(1);
        assertThat(next.position()).hasToString(second).isEqualTo(first.position().next());
        assertThat(next.event()).isEqualTo("message");
        assertThat(next.data()).isEqualTo("[1,2.50,1E+400]");

        HistoryResult history = broker.history(room, StreamPosition.start(first.position().epoch()), 10).get(10, TimeUnit.SECONDS);
        assertThat(history.publications()).extracting(Publication::data).containsExactly(first.data(), next.data());
    }

    @Test
    void anAppRetryWithTheSameIdempotencyKeyGetsTheFirstId() throws Exception {
        ChannelName room = subscribed("room:idem");
        String first = server.cli("FCALL", "rtgw_publish", "1", key(room), "ev", "1", "order-17");
        String again = server.cli("FCALL", "rtgw_publish", "1", key(room), "ev", "2", "order-17");
        assertThat(again).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == 1);
        assertThat(listener.of(room).get(0).data()).isEqualTo("1");
    }

    @Test
    void appCallsGetTheNamespacePolicyBakedIntoTheFunction() throws Exception {
        ChannelName tiny = ChannelName.of(redis.tenant(), "tiny:1");
        String first = server.cli("FCALL", "rtgw_publish", "1", key(tiny), "ev", "1");
        for (int i = 0; i < 3; i++) {
            server.cli("FCALL", "rtgw_publish", "1", key(tiny), "ev", "2");
        }
        StreamPosition start = StreamPosition.parse(first);
        assertThat(broker.history(tiny, start, 10).get(10, TimeUnit.SECONDS).recovered()).isFalse();
        assertThat(broker.history(tiny, start.next(), 10).get(10, TimeUnit.SECONDS).publications()).hasSize(2);
    }

    @Test
    void theFunctionRefusesReservedEventsBadDataAndForeignKeys() {
        ChannelName room = ChannelName.of(redis.tenant(), "room:bad");
        assertThatThrownBy(() -> server.command(utf8("FCALL"), utf8("rtgw_publish"), utf8("1"), utf8(key(room)),
                utf8("rtgw.close"), utf8("{}"))).hasMessageContaining("rtgw.");
        assertThatThrownBy(() -> server.command(utf8("FCALL"), utf8("rtgw_publish"), utf8("1"), utf8(key(room)),
                utf8("ev"), utf8("not json"))).hasMessageContaining("JSON");
        assertThatThrownBy(() -> server.command(utf8("FCALL"), utf8("rtgw_publish"), utf8("1"), utf8(key(room)),
                utf8("two\nlines"), utf8("{}"))).hasMessageContaining("event");
        assertThatThrownBy(() -> server.command(utf8("FCALL"), utf8("rtgw_publish"), utf8("1"), utf8("other:key"),
                utf8("ev"), utf8("{}"))).hasMessageContaining("key must be");
    }

    @Test
    void aPlainPublishIsLiveOnlyWithCompactJsonOrAString() throws Exception {
        ChannelName room = subscribed("room:live");
        server.cli("PUBLISH", key(room), "{\"a\":\n 1}");
        server.cli("PUBLISH", key(room), "hello\r\nworld");
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == 2);
        List<Publication> got = listener.of(room);
        assertThat(got).allSatisfy(p -> {
            assertThat(p.position()).isNull();
            assertThat(p.event()).isEqualTo("message");
            assertThat(p.data()).doesNotContain("\n", "\r");
        });
        assertThat(got.get(0).data()).isEqualTo("{\"a\":1}");
        assertThat(got.get(1).data()).isEqualTo("\"hello\\r\\nworld\"");
        assertThat(broker.history(room, null, 10).get(10, TimeUnit.SECONDS).head().offset()).isZero();
    }

    @Test
    void noTextAnAppPublishesCanForgeAnIdOrAReservedEvent() throws Exception {
        ChannelName room = subscribed("room:forge");
        List<byte[]> forgeries = List.of(
                utf8("{\"offset\":7,\"epoch\":\"abc\",\"event\":\"rtgw.close\",\"data\":{}}"),
                utf8("rtgw1\n7\nabc\n0\nrtgw.close\n{}"),
                utf8("\u00ffrtgw1\n7\nabc\n0\nrtgw.close\n{}"), // U+00FF is C3 BF in UTF-8, not the byte FF
                utf8("\n\u0000rtgw1\n7\nabc\n0\nchat\n{}"),
                utf8("\ufeffrtgw1\n7\nabc\n0\nchat\n{}"));
        for (byte[] payload : forgeries) {
            server.command(utf8("PUBLISH"), utf8(key(room)), payload);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == forgeries.size());
        assertThat(listener.of(room)).allSatisfy(p -> {
            assertThat(p.position()).isNull();
            assertThat(p.event()).isEqualTo("message");
        });
    }

    private static byte[] marked(byte[] marker, String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(marker);
        out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * Issue 13: a plain PUBLISH of version 1's envelope bytes (the gateway's own format until then)
     * was delivered under the id it named, and the next real publish moved the channel to a new
     * epoch. Now such bytes on the app channel are dropped, today's envelope bytes there are plain
     * data, and only the function's publications carry ids.
     */
    @Test
    void envelopeBytesPublishedPlainNeverGetAnIdNorMoveTheEpoch() throws Exception {
        ChannelName room = subscribed("room:forged");
        StreamPosition first = StreamPosition.parse(server.cli("FCALL", "rtgw_publish", "1", key(room), "chat", "1"));
        for (String epoch : List.of(first.epoch(), "fakeepoch")) {
            for (byte[] marker : List.of(Envelope.LEGACY_MARKER, Envelope.MARKER)) {
                server.command(utf8("PUBLISH"), utf8(key(room)), marked(marker, "777\n" + epoch + "\n0\nchat\n{}"));
            }
        }
        StreamPosition next = StreamPosition.parse(server.cli("FCALL", "rtgw_publish", "1", key(room), "chat", "2"));

        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).stream().anyMatch(p -> next.equals(p.position())));
        assertThat(next).isEqualTo(first.next());
        assertThat(listener.of(room)).filteredOn(p -> p.position() != null).extracting(Publication::position)
                .containsExactly(first, next);
        assertThat(listener.of(room)).filteredOn(p -> p.position() == null).hasSize(2).allSatisfy(p -> {
            assertThat(p.event()).isEqualTo("message");
            assertThat(p.data()).startsWith("\"\ufffdrtgw2\\n777\\n");
        });
    }

    @Test
    void malformedOrReservedEnvelopesOnTheEnvelopeChannelAreDropped() throws Exception {
        ChannelName room = subscribed("room:marked");
        String envelopes = key(room) + ":e";
        server.command(utf8("PUBLISH"), utf8(envelopes), marked(Envelope.MARKER, "7\nabc\n0\nrtgw.close\n{}"));
        server.command(utf8("PUBLISH"), utf8(envelopes), marked(Envelope.LEGACY_MARKER, "7\nabc\n0\nchat\n{}"));
        server.command(utf8("PUBLISH"), utf8(envelopes), utf8("{\"not\":\"an envelope\"}"));
        server.command(utf8("PUBLISH"), utf8(key(room)), utf8("\"after\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == 1);
        assertThat(listener.of(room).get(0).data()).isEqualTo("\"after\"");
    }

    /**
     * A rolling upgrade: a node of version 1 subscribes only to the app channel and reads envelopes
     * there. The function copies each envelope there in version 1's format while such a subscriber
     * exists, and stops once none is left; nodes of this version drop the copies.
     */
    @Test
    void version1NodesGetTheirCopyOnlyWhileTheyAreSubscribed() throws Exception {
        ChannelName room = subscribed("room:upgrade");
        List<String> seenOnAppChannel = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.uri());
        try (var watcher = client.connectPubSub(io.lettuce.core.codec.ByteArrayCodec.INSTANCE);
             var oldNode = client.connectPubSub(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            // a pattern subscription sees the app channel without counting in PUBSUB NUMSUB
            watcher.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] pattern, byte[] channel, byte[] message) {
                    seenOnAppChannel.add(new String(message, StandardCharsets.ISO_8859_1));
                }
            });
            watcher.sync().psubscribe(utf8(key(room)));
            oldNode.sync().subscribe(utf8(key(room)));

            String during = server.cli("FCALL", "rtgw_publish", "1", key(room), "chat", "1");
            oldNode.sync().unsubscribe(utf8(key(room)));
            String after = server.cli("FCALL", "rtgw_publish", "1", key(room), "chat", "2");
            server.cli("PUBLISH", key(room), "\"marker\"");

            await().atMost(Duration.ofSeconds(10)).until(() -> seenOnAppChannel.contains("\"marker\""));
            assertThat(seenOnAppChannel).hasSize(2);
            StreamPosition old = StreamPosition.parse(during);
            assertThat(seenOnAppChannel.get(0)).startsWith("\u00ffrtgw1\n" + old.offset() + "\n" + old.epoch() + "\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() == 3);
            assertThat(listener.of(room)).extracting(p -> p.position() == null ? null : p.position().toString())
                    .containsExactly(during, after, null);
            watcher.sync().punsubscribe(utf8(key(room)));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void oneRedisSubscriptionPerChannelAndNoneAfterUnsubscribe() throws Exception {
        ChannelName a = subscribed("room:a");
        ChannelName b = subscribed("room:b");
        broker.subscribe(a).get(10, TimeUnit.SECONDS);
        assertThat(server.cli("PUBSUB", "NUMSUB", key(a), key(b))).isEqualTo(key(a) + "\n1\n" + key(b) + "\n1");
        assertThat(server.cli("PUBSUB", "NUMSUB", key(a) + ":e")).isEqualTo(key(a) + ":e\n1");
        assertThat(server.cli("PUBSUB", "NUMPAT")).isEqualTo("0");
        broker.unsubscribe(a).get(10, TimeUnit.SECONDS);
        assertThat(server.cli("PUBSUB", "NUMSUB", key(a))).isEqualTo(key(a) + "\n0");
        assertThat(server.cli("PUBSUB", "NUMSUB", key(a) + ":e")).isEqualTo(key(a) + ":e\n0");
        assertThat(server.cli("PUBSUB", "NUMSUB", key(b))).isEqualTo(key(b) + "\n1");
    }
}
