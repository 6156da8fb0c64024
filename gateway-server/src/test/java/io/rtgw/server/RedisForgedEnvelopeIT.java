package io.rtgw.server;

import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.StreamPosition;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.testkit.RespClient;
import io.rtgw.transport.WsClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: the attack of a plain {@code PUBLISH} shaped like the gateway's envelope
 * ({@code printf '\xffrtgw1\n777\nfakeepoch\n0\nchat\n{}' | redis-cli -x PUBLISH 'rtgw:{acme:env:2}'}),
 * against a real node and real WebSocket clients (docs/protocol.md §6). Before the fix a foreign
 * epoch caused an endless storm of gaps and history reads, and the current epoch a forged id.
 * Also: an envelope whose epoch or offset makes no sense, as a bug could produce one, costs at most
 * one history read and one gap per channel.
 */
@Timeout(120)
class RedisForgedEnvelopeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far below what a loop does in the time these tests take, far above what a repair needs. */
    private static final long FCALL_BUDGET = 20;
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = RedisE2e.node(redis.server().uri());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static byte[] bytes(byte[] marker, String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(marker);
        out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static final byte[] VERSION_1 = {(byte) 0xFF, 'r', 't', 'g', 'w', '1', '\n'};
    private static final byte[] VERSION_2 = {(byte) 0xFF, 'r', 't', 'g', 'w', '2', '\n'};

    private static String publish(RedisServer server, String tenant, String channel, String data) {
        String id = server.cli("FCALL", "rtgw_publish", "1", key(tenant, channel), "chat", data);
        assertThat(StreamPosition.parse(id)).as("'%s' is an id", id).isNotNull();
        return id;
    }

    /** Every FCALL Redis ran so far (publishes, history reads, epoch bumps). */
    private static long fcalls(RedisServer server) {
        Matcher m = Pattern.compile("cmdstat_fcall:calls=(\\d+)").matcher(server.cli("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static WsClient subscribed(String tenant, String channel) throws Exception {
        WsClient ws = WsClient.connect(node.ws(), token("mallory", tenant, "env:*"));
        ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        ws.subscribed(channel);
        return ws;
    }

    private static List<String> ofChannel(WsClient ws, String type, String channel) {
        return ws.received.stream()
                .filter(m -> m.path("type").asText().equals(type) && m.path("channel").asText().equals(channel))
                .map(m -> m.has("id") ? m.path("id").asText() : m.path("data").toString())
                .toList();
    }

    @Test
    void aPlainPublishOfEnvelopeBytesIsNoMessageWithAnIdAndNoStorm(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (WsClient ws = subscribed(tenant, "env:2")) {
            String first = publish(server, tenant, "env:2", "1");
            await().atMost(WAIT).until(() -> ws.idsOf("env:2").contains(first));
            String epoch = StreamPosition.parse(first).epoch();
            long before = fcalls(server);

            for (String claimed : List.of("fakeepoch", epoch)) {
                server.command(RespClient.utf8("PUBLISH"), RespClient.utf8(key(tenant, "env:2")),
                        bytes(VERSION_1, "777\n" + claimed + "\n0\nchat\n{}"));
            }
            String next = publish(server, tenant, "env:2", "2");
            await().atMost(WAIT).until(() -> ws.idsOf("env:2").contains(next));
            // one more round trip through the node: whatever the forgeries set off has had its chance
            String last = publish(server, tenant, "env:2", "3");
            await().atMost(WAIT).until(() -> ws.idsOf("env:2").contains(last));

            assertThat(ws.idsOf("env:2")).containsExactly(first, next, last);
            assertThat(StreamPosition.parse(last).epoch()).isEqualTo(epoch);
            assertThat(ofChannel(ws, "gap", "env:2")).isEmpty();
            assertThat(fcalls(server) - before).isLessThanOrEqualTo(FCALL_BUDGET);
            assertThat(ws.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void anEnvelopeWithANonsensicalEpochCostsAtMostOneReadAndOneGap(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (WsClient a = subscribed(tenant, "env:epoch"); WsClient b = subscribed(tenant, "env:epoch")) {
            String first = publish(server, tenant, "env:epoch", "1");
            await().atMost(WAIT).until(() -> a.idsOf("env:epoch").contains(first) && b.idsOf("env:epoch").contains(first));
            long before = fcalls(server);

            // what only a bug (or someone with the rights to publish on the function's own channel) could send
            byte[] nonsense = bytes(VERSION_2, "777\nfakeepoch\n0\nchat\n{}");
            for (int i = 0; i < 3; i++) {
                server.command(RespClient.utf8("PUBLISH"), RespClient.utf8(key(tenant, "env:epoch") + ":e"), nonsense);
            }
            String next = publish(server, tenant, "env:epoch", "2");
            await().atMost(WAIT).until(() -> a.idsOf("env:epoch").contains(next) && b.idsOf("env:epoch").contains(next));
            String last = publish(server, tenant, "env:epoch", "3");
            await().atMost(WAIT).until(() -> a.idsOf("env:epoch").contains(last) && b.idsOf("env:epoch").contains(last));

            for (WsClient ws : List.of(a, b)) {
                assertThat(ofChannel(ws, "gap", "env:epoch")).hasSizeLessThanOrEqualTo(1);
                assertThat(ws.idsOf("env:epoch")).endsWith(next, last).doesNotContain("777.fakeepoch");
                assertThat(ws.closeCode).isEqualTo(-1);
            }
            assertThat(fcalls(server) - before).isLessThanOrEqualTo(FCALL_BUDGET);
        }
    }
}
