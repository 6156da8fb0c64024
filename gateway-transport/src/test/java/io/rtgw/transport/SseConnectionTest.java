package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.ChannelName;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage.Expiring;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Positioned;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SSE wire format, byte for byte, on an embedded channel with the real HTTP encoder. */
class SseConnectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CHANNELS = List.of("room:1", "user:alice");
    private static final String EPOCH = "e1";
    private final RecordingObserver observer = new RecordingObserver();
    private final TransportSettings settings = TransportSettings.defaults("127.0.0.1", 0);

    private TransportContext context(TransportSettings s) {
        return TestContexts.of(observer, s);
    }

    private static Publication publication(String channel, long offset, String event, String data) {
        return new Publication(ChannelName.of("acme", channel), offset < 0 ? null : new StreamPosition(EPOCH, offset),
                event, data, 0);
    }

    @Test
    void holdsEverythingUntilEveryChannelHasItsPositionThenFramesEachMessageOnOneDataLine() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        SseConnection c = new SseConnection(ch, context(settings), HttpVersion.HTTP_1_0);
        c.open(null);
        c.expect(new Cursor(CHANNELS));
        Subscribed room = new Subscribed("room:1", new StreamPosition(EPOCH, 4), true, null);
        c.send(room);
        // A JSON string holding a line break: the escape keeps it on one line.
        c.send(publication("room:1", 5, "chat", "{\"text\":\"line one\\nline two\"}"));
        ch.runPendingTasks();
        String before = drain(ch);
        assertThat(before).startsWith("HTTP/1.0 200 OK").doesNotContain("rtgw.connected").doesNotContain("chat");

        Subscribed personal = new Subscribed("user:alice", new StreamPosition(EPOCH, 9), false, null);
        c.send(personal);
        c.send(new Positioned());
        c.send(publication("room:1", -1, "message", "\"live only\""));
        c.send(new Gap("user:alice"));
        c.send(new Expiring(60));
        ch.runPendingTasks();
        List<List<String>> events = events(before + drain(ch));

        assertThat(events.get(0)).containsExactly("retry: 2000");
        List<String> connected = events.get(1);
        assertThat(connected.get(1)).isEqualTo("event: rtgw.connected");
        Cursor start = Cursor.decode(value(connected.get(0), "id"), CHANNELS);
        assertThat(start.position(0)).isEqualTo(new StreamPosition(EPOCH, 4));
        assertThat(start.position(1)).isEqualTo(new StreamPosition(EPOCH, 9));
        JsonNode hello = JSON.readTree(value(connected.get(2), "data"));
        assertThat(hello.path("channels").toString()).isEqualTo("[\"room:1\",\"user:alice\"]");
        assertThat(hello.path("recovered").toString()).isEqualTo("{\"room:1\":true,\"user:alice\":false}");
        assertThat(hello.path("client").asText()).isEqualTo(c.id());

        List<String> message = events.get(2);
        assertThat(message).hasSize(3);
        assertThat(Cursor.decode(value(message.get(0), "id"), CHANNELS).position(0)).isEqualTo(new StreamPosition(EPOCH, 5));
        assertThat(message.get(1)).isEqualTo("event: chat");
        JsonNode data = JSON.readTree(value(message.get(2), "data"));
        assertThat(data.path("channel").asText()).isEqualTo("room:1");
        assertThat(data.path("id").asText()).isEqualTo("5." + EPOCH);
        assertThat(data.path("data").path("text").asText()).isEqualTo("line one\nline two");

        List<String> liveOnly = events.get(3);
        assertThat(liveOnly).noneMatch(line -> line.startsWith("id"));
        assertThat(liveOnly.get(0)).isEqualTo("event: message");
        assertThat(JSON.readTree(value(liveOnly.get(1), "data")).has("id")).isFalse();

        assertThat(events.get(4)).containsExactly("event: rtgw.gap", "data: {\"channel\":\"user:alice\"}");
        assertThat(events.get(5)).containsExactly("event: rtgw.expiring", "data: {\"in\":60}");
        assertThat(events).hasSize(6);

        c.close(DisconnectReason.SHUTDOWN);
        ch.runPendingTasks();
        List<List<String>> closing = events(drain(ch));
        assertThat(closing).hasSize(1);
        long retry = Long.parseLong(value(closing.get(0).get(0), "retry"));
        assertThat(retry).isBetween(1000L, 5000L);
        assertThat(closing.get(0).subList(1, 3)).containsExactly("event: rtgw.close", "data: {\"reason\":\"shutdown\",\"reconnect\":true}");
        assertThat(ch.isOpen()).isFalse(); // HTTP/1.0: the close ends the body
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aServerUnsubscribeIsAnEventAndAnAppCloseWithoutReconnectSetsNoShortRetry() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        SseConnection c = new SseConnection(ch, context(settings), HttpVersion.HTTP_1_0);
        c.open(null);
        c.expect(new Cursor(CHANNELS));
        c.send(new Subscribed("room:1", new StreamPosition(EPOCH, 4), false, null));
        c.send(new Subscribed("user:alice", new StreamPosition(EPOCH, 9), false, null));
        c.send(new Positioned());
        c.send(new io.rtgw.core.ServerMessage.Unsubscribed("room:1", io.rtgw.core.ServerMessage.UnsubscribeReason.SERVER,
                null));
        c.close(DisconnectReason.REVOKED);
        ch.runPendingTasks();
        List<List<String>> events = events(drain(ch));
        assertThat(events.get(0)).containsExactly("retry: 2000");
        assertThat(events.get(2)).containsExactly("event: rtgw.unsubscribed",
                "data: {\"channel\":\"room:1\",\"reason\":\"server\"}");
        assertThat(events.get(3)).as("no retry line: the client must not come back by itself")
                .containsExactly("event: rtgw.close", "data: {\"reason\":\"revoked\",\"reconnect\":false}");
        assertThat(events).hasSize(4);
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void rawLineBreaksInDataOrEventNamesCannotSplitAnEvent() throws Exception {
        Publication p = publication("room:1", 1, "bad\nevent: forged", "{\"a\":\n1,\r\n\"b\":2}");
        String text = new String(p.encoded(SseEventEncoder.INSTANCE), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n\n");
        String[] lines = text.substring(0, text.length() - 2).split("\n", -1);
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("event: bad_event: forged");
        assertThat(JSON.readTree(value(lines[1], "data")).path("data").path("b").asInt()).isEqualTo(2);
    }

    @Test
    void theSharedPartIsEncodedOnceForEveryConnection() {
        Publication p = publication("room:1", 1, "message", "1");
        assertThat(p.encoded(SseEventEncoder.INSTANCE)).isSameAs(p.encoded(SseEventEncoder.INSTANCE));
        assertThat(p.encoded(SseEventEncoder.INSTANCE)).isNotSameAs(p.encoded(MessageItemEncoder.INSTANCE));
    }

    @Test
    void http11StreamsAreChunkedAndEndWithTheLastChunkAndPingsFollowTheHeartbeat() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        ch.freezeTime();
        SseConnection c = new SseConnection(ch, context(settings.withHeartbeat(Duration.ofSeconds(1))), HttpVersion.HTTP_1_1);
        c.open("https://app.example");
        c.expect(new Cursor(List.of("room:1")));
        c.send(new Subscribed("room:1", new StreamPosition(EPOCH, 0), false, null));
        c.send(new Positioned());
        c.send(publication("room:1", 1, "message", "1"));
        ch.runPendingTasks();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        c.close(DisconnectReason.TOKEN_EXPIRED);
        ch.runPendingTasks();

        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder());
        ByteBuf wire = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            wire.writeBytes((ByteBuf) o);
            ReferenceCountUtil.release(o);
        }
        String raw = wire.toString(StandardCharsets.US_ASCII);
        assertThat(raw).endsWith("0\r\n\r\n");
        decoder.writeInbound(wire);
        HttpResponse head = decoder.readInbound();
        assertThat(head.headers().get("Content-Type")).isEqualTo("text/event-stream");
        assertThat(head.headers().get("Cache-Control")).isEqualTo("no-cache");
        assertThat(head.headers().get("X-Accel-Buffering")).isEqualTo("no");
        assertThat(head.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(head.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        StringBuilder body = new StringBuilder();
        boolean last = false;
        for (Object o; (o = decoder.readInbound()) != null; ) {
            body.append(((HttpContent) o).content().toString(StandardCharsets.UTF_8));
            last |= o instanceof LastHttpContent;
            ReferenceCountUtil.release(o);
        }
        assertThat(last).isTrue();
        List<List<String>> events = events(body.toString());
        assertThat(events).extracting(e -> e.stream().filter(l -> l.startsWith("event:")).findFirst().orElse("-"))
                .containsExactly("-", "event: rtgw.connected", "event: message", "event: rtgw.ping", "event: rtgw.close");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(decoder.finishAndReleaseAll());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anErrorBeforeTheStreamConnectsEndsItForARetry() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        SseConnection c = new SseConnection(ch, context(settings), HttpVersion.HTTP_1_0);
        c.open(null);
        c.expect(new Cursor(CHANNELS));
        c.send(new Subscribed("room:1", new StreamPosition(EPOCH, 4), true, null));
        c.send(publication("room:1", 5, "chat", "1"));
        c.send(new io.rtgw.core.ServerMessage.ErrorReply(null, "room:1", io.rtgw.core.ErrorCode.UNAVAILABLE, "cannot subscribe"));
        ch.runPendingTasks();
        List<List<String>> events = events(drain(ch));
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).contains("event: rtgw.close", "data: {\"reason\":\"internal\",\"reconnect\":true}");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.runScheduledPendingTasks()).as("no forced close left waiting for a closed channel").isEqualTo(-1);
        assertFalse(ch.finishAndReleaseAll());
    }

    /** Everything written so far, as text. */
    private static String drain(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            out.append(((ByteBuf) o).toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(o);
        }
        return out.toString();
    }

    /** The events of a body (after the HTTP head, if any), each as its lines. */
    private static List<List<String>> events(String text) {
        int bodyStart = text.startsWith("HTTP/") ? text.indexOf("\r\n\r\n") + 4 : 0;
        String body = text.substring(bodyStart);
        assertThat(body).doesNotContain("\r");
        List<List<String>> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (!block.isEmpty()) {
                events.add(Arrays.asList(block.split("\n", -1)));
            }
        }
        return events;
    }

    private static String value(String line, String field) {
        assertThat(line).startsWith(field + ": ");
        return line.substring(field.length() + 2);
    }
}
