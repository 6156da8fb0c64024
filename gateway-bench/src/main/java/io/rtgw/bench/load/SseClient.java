package io.rtgw.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;

/**
 * An EventSource-like subscriber: GET with {@code Accept: text/event-stream}, resuming with
 * {@code Last-Event-ID} as a browser does. rtgw: ready at {@code rtgw.connected}, the {@code id:}
 * of every event is the stream's cursor, {@code rtgw.gap} and {@code rtgw.close} are counted.
 * Plain servers: ready at the 200, each event's data is a payload.
 */
final class SseClient extends Client implements SseParser.Listener {
    SseClient(int index, int channel, Spec spec, Stats stats, Net net, Lifecycle lifecycle) {
        super(index, channel, spec, stats, net, lifecycle);
    }

    @Override
    String transport() {
        return "sse";
    }

    @Override
    void open() {
        URI uri = spec.uri(spec.sseUrl, index, channel);
        SseParser parser = new SseParser(this);
        Bootstrap b = net.bootstrap(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new HttpClientCodec(), new Stream(parser));
            }
        });
        ch = b.connect(remote(uri), net.source(index)).addListener(f -> {
            if (!f.isSuccess()) {
                failed("connect: " + f.cause());
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, Spec.pathAndQuery(uri));
            req.headers().set(HttpHeaderNames.HOST, Spec.hostHeader(uri))
                    .set(HttpHeaderNames.ACCEPT, "text/event-stream");
            spec.credentials(index, req.headers());
            if (resumeId != null) {
                req.headers().set("Last-Event-ID", resumeId);
            }
            ch.writeAndFlush(req);
        }).channel();
    }

    @Override
    public void onEvent(SseParser e) {
        if (spec.rtgw()) {
            if (e.eventIs("rtgw.connected")) {
                resumeId = e.id();
                ready();
                return;
            }
            if (e.eventIs("rtgw.gap")) {
                stats.gapNotices.increment();
                return;
            }
            if (e.eventIs("rtgw.ping")) {
                return;
            }
            if (e.eventIs("rtgw.close")) {
                inactive("sse rtgw.close");
                return;
            }
        }
        if (payload(e.data(), 0, e.dataLength()) && e.hasId()) {
            resumeId = e.id();
        }
    }

    private final class Stream extends SimpleChannelInboundHandler<HttpObject> {
        private final SseParser parser;

        Stream(SseParser parser) {
            this.parser = parser;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                if (r.status().code() != 200) {
                    failed("sse status " + r.status().code());
                    ctx.close();
                    return;
                }
                if (!spec.rtgw()) {
                    ready();
                }
            }
            if (msg instanceof HttpContent c) {
                parser.feed(c.content());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            inactive("closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause.toString());
            ctx.close();
        }
    }
}
