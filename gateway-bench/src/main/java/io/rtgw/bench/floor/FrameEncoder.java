package io.rtgw.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's own server-side frame encoder (unmasked), called once per publication instead of once
 * per subscriber: server frames carry no mask, so the same bytes serve every subscriber.
 */
final class FrameEncoder extends WebSocket08FrameEncoder {
    private final List<Object> out = new ArrayList<>(2);

    FrameEncoder() {
        super(false);
    }

    /** The whole frame (header and payload) for {@code payload}, which stays the caller's. */
    ByteBuf encode(ChannelHandlerContext ctx, ByteBuf payload) throws Exception {
        TextWebSocketFrame frame = new TextWebSocketFrame(payload.retainedSlice());
        try {
            encode(ctx, frame, out);
        } finally {
            frame.release();
        }
        try {
            if (out.size() == 1) {
                return (ByteBuf) out.get(0);
            }
            // Large payloads come back as header and payload apart (Netty avoids copying them).
            CompositeByteBuf whole = ctx.alloc().compositeBuffer(out.size());
            for (Object part : out) {
                whole.addComponent(true, (ByteBuf) part);
            }
            return whole;
        } finally {
            out.clear();
        }
    }
}
