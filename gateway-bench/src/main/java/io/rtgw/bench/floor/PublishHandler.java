package io.rtgw.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /pub}: a body of {@code <channel> <payload>\n} lines, each a publication. The payload
 * is not parsed: it becomes one encoded frame, handed to every loop's subscribers (one task per
 * loop per request). Answered 200 (empty) once handed over; anything else 400/404.
 */
final class PublishHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/pub";
    private final Subscribers subscribers;
    private final FrameEncoder encoder = new FrameEncoder();

    PublishHandler(Subscribers subscribers) {
        this.subscribers = subscribers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        if (!req.method().equals(HttpMethod.POST) || !req.uri().equals(PATH)) {
            answer(ctx, req, HttpResponseStatus.NOT_FOUND);
            return;
        }
        ByteBuf body = req.content();
        List<String> channels = new ArrayList<>();
        List<ByteBuf> frames = new ArrayList<>();
        try {
            while (body.isReadable()) {
                int eol = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) '\n');
                int end = eol < 0 ? body.writerIndex() : eol;
                int space = body.indexOf(body.readerIndex(), end, (byte) ' ');
                if (space < 0) {
                    throw new IllegalArgumentException("a line without '<channel> <payload>'");
                }
                channels.add(body.toString(body.readerIndex(), space - body.readerIndex(), StandardCharsets.US_ASCII));
                frames.add(encoder.encode(ctx, body.slice(space + 1, end - space - 1)));
                body.readerIndex(eol < 0 ? end : eol + 1);
            }
        } catch (IllegalArgumentException bad) {
            frames.forEach(ByteBuf::release);
            answer(ctx, req, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        subscribers.deliver(channels, frames);
        answer(ctx, req, HttpResponseStatus.OK);
    }

    private static void answer(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status) {
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setContentLength(res, 0);
        HttpUtil.setKeepAlive(res, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(res, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
