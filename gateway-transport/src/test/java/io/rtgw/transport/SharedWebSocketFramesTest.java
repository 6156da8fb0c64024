package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames shared by a loop's connections decode like Netty's own, and are freed when replaced. */
class SharedWebSocketFramesTest {
    private final EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    private final ChannelHandlerContext encoder = server.pipeline().firstContext();

    // 10 fits the 7-bit length, 500 the 16-bit one in one buffer, 3000 and 70000 come back from
    // the encoder as header and payload apart (the latter with the 64-bit length).
    @ParameterizedTest
    @ValueSource(ints = {10, 500, 3000, 70_000})
    void aSharedFrameIsTheFrameNettyWouldHaveWrittenForEveryConnection(int size) {
        Publication p = publication("\"" + "x".repeat(size) + "\"");
        ByteBuf first = SharedWebSocketFrames.frameOf(p, encoder);
        ByteBuf second = SharedWebSocketFrames.frameOf(p, encoder);
        String expected = new String(p.encoded(MessageItemEncoder.INSTANCE), StandardCharsets.UTF_8);

        assertThat(decode(first)).isEqualTo(expected);
        assertThat(decode(second)).as("each connection reads its own duplicate from the start").isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 3000})
    void theFrameOfAPublicationIsFreedOnceTheNextReplacesItAndItsWritesAreDone(int size) {
        ByteBuf written = SharedWebSocketFrames.frameOf(publication("\"" + "a".repeat(size) + "\""), encoder);
        assertThat(written.refCnt()).isPositive();

        SharedWebSocketFrames.frameOf(publication("\"b\""), encoder).release();
        assertThat(written.refCnt()).as("still queued on a connection").isPositive();
        written.release();
        assertThat(written.refCnt()).isZero();
    }

    private static Publication publication(String data) {
        return new Publication(ChannelName.of("acme", "room:1"), new StreamPosition("e1", 1), "message", data, 0);
    }

    /** What a client reads: Netty's decoder over the frame's bytes. */
    private static String decode(ByteBuf frame) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
        client.writeInbound(Unpooled.copiedBuffer(frame));
        frame.release();
        TextWebSocketFrame text = client.readInbound();
        try {
            return text.text();
        } finally {
            text.release();
            client.finishAndReleaseAll();
        }
    }
}
