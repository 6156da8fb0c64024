package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.concurrent.FastThreadLocal;
import io.rtgw.core.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket frame of the publication an event loop is fanning out, framed once (by Netty's
 * own frame encoder) in direct memory and shared by every connection of that loop as a retained
 * duplicate. A delivery then allocates and copies nothing, and the socket writes straight from
 * the shared bytes; before, every subscriber got its own frame object, buffer and copy.
 *
 * <p>Holds one publication per loop: a fan-out asks for the same one thousands of times in a
 * row. Catch-up replays, which go to one connection each, just replace it. Loop thread only.
 */
final class SharedWebSocketFrames {
    private static final FastThreadLocal<SharedWebSocketFrames> OF_THIS_LOOP = new FastThreadLocal<>() {
        @Override
        protected SharedWebSocketFrames initialValue() {
            return new SharedWebSocketFrames();
        }

        @Override
        protected void onRemoval(SharedWebSocketFrames frames) {
            frames.forget();
        }
    };

    private final Framer framer = new Framer();
    private final List<Object> parts = new ArrayList<>(2);
    private Publication publication;
    private ByteBuf frame;

    /**
     * A text frame carrying {@code p}'s message item, ready for the socket (it must be written
     * below the pipeline's frame encoder, which would otherwise frame it again).
     */
    static ByteBuf frameOf(Publication p, ChannelHandlerContext ctx) {
        return OF_THIS_LOOP.get().retainedFrame(p, ctx);
    }

    private ByteBuf retainedFrame(Publication p, ChannelHandlerContext ctx) {
        if (p != publication) {
            ByteBuf framed = frame(p, ctx);
            forget();
            publication = p;
            frame = framed;
        }
        return frame.retainedDuplicate();
    }

    private ByteBuf frame(Publication p, ChannelHandlerContext ctx) {
        byte[] item = p.encoded(MessageItemEncoder.INSTANCE);
        ByteBufAllocator alloc = ctx.alloc();
        TextWebSocketFrame text = new TextWebSocketFrame(alloc.directBuffer(item.length).writeBytes(item));
        try {
            framer.frame(ctx, text, parts);
        } finally {
            text.release();
        }
        try {
            if (parts.size() == 1) {
                return (ByteBuf) parts.get(0);
            }
            // Large payloads come back as header and payload, so that the encoder need not copy.
            CompositeByteBuf whole = alloc.compositeDirectBuffer(parts.size());
            for (Object part : parts) {
                whole.addComponent(true, (ByteBuf) part);
            }
            return whole;
        } finally {
            parts.clear();
        }
    }

    private void forget() {
        if (frame != null) {
            frame.release();
            frame = null;
            publication = null;
        }
    }

    /** Netty's server-side (unmasked) frame encoder, called directly instead of from a pipeline. */
    private static final class Framer extends WebSocket08FrameEncoder {
        Framer() {
            super(false);
        }

        void frame(ChannelHandlerContext ctx, TextWebSocketFrame text, List<Object> out) {
            try {
                encode(ctx, text, out);
            } catch (Exception e) {
                // Only thrown for oversized control frames; a text frame cannot get here.
                throw new IllegalStateException(e);
            }
        }
    }
}
