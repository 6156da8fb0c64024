package io.rtgw.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.rtgw.bench.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A long-poll subscriber on one keep-alive connection. rtgw: {@code /poll?…&cursor=} with the
 * cursor of the last answer (the first poll, without cursor, returns the position at once and
 * makes the client ready). Nchan: the sub URL with {@code If-Modified-Since}/{@code If-None-Match}
 * from the last answer's {@code Last-Modified}/{@code Etag}; ready once the first poll is sent.
 */
final class PollClient extends Client {
    private static final int TIMEOUT_SECONDS = 25;
    /** Set once a poll went through: from then on a closed connection is reopened, not a failure. */
    private boolean ready;

    PollClient(int index, int channel, Spec spec, Stats stats, Net net, Lifecycle lifecycle) {
        super(index, channel, spec, stats, net, lifecycle);
    }

    @Override
    String transport() {
        return "poll";
    }

    @Override
    void open() {
        URI uri = spec.uri(spec.pollUrl, index, channel);
        Bootstrap b = net.bootstrap(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(4 << 20), new Answers(uri));
            }
        });
        ch = b.connect(remote(uri), net.source(index)).addListener(f -> {
            if (!f.isSuccess()) {
                failed("connect: " + f.cause());
            } else {
                poll(uri);
            }
        }).channel();
    }

    private void poll(URI uri) {
        String target = Spec.pathAndQuery(uri);
        if (spec.rtgw()) {
            target += (target.contains("?") ? "&" : "?") + "timeout=" + TIMEOUT_SECONDS
                    + (resumeId == null ? "" : "&cursor=" + URLEncoder.encode(resumeId, StandardCharsets.UTF_8));
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        req.headers().set(HttpHeaderNames.HOST, Spec.hostHeader(uri));
        spec.credentials(index, req.headers());
        if (!spec.rtgw() && resumeId != null) {
            int bar = resumeId.indexOf('|');
            req.headers().set(HttpHeaderNames.IF_MODIFIED_SINCE, resumeId.substring(0, bar))
                    .set(HttpHeaderNames.IF_NONE_MATCH, resumeId.substring(bar + 1));
        }
        ch.writeAndFlush(req).addListener(f -> {
            // With a position to resume from, the server may hold this poll until something new
            // arrives: the client is subscribed once the poll is out. Without one (a fresh rtgw
            // client), the answer carries the position to start from, which readiness waits for.
            if (f.isSuccess() && (!spec.rtgw() || resumeId != null)) {
                ready = true;
                ready();
            }
        });
    }

    private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final URI uri;

        Answers(URI uri) {
            this.uri = uri;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) throws IOException {
            int status = r.status().code();
            if (spec.rtgw()) {
                if (status != 200) {
                    failed("poll status " + status);
                    stats.errors.increment();
                    ctx.close();
                    return;
                }
                JsonNode answer = Json.MAPPER.readTree((java.io.InputStream) new ByteBufInputStream(r.content()));
                for (JsonNode m : answer.path("messages")) {
                    if ("gap".equals(m.path("type").asText())) {
                        stats.gapNotices.increment();
                    } else {
                        byte[] data = m.path("data").toString().getBytes(StandardCharsets.US_ASCII);
                        payload(data, 0, data.length);
                    }
                }
                resumeId = answer.path("cursor").asText(null);
                ready = true;
                ready();
            } else if (status == 200) {
                byte[] body = Scratch.copy(r.content());
                payload(body, 0, r.content().readableBytes());
                String lm = r.headers().get(HttpHeaderNames.LAST_MODIFIED, "");
                String etag = r.headers().get(HttpHeaderNames.ETAG, "");
                resumeId = lm + "|" + etag;
            } else if (status != 304 && status != 408) {
                failed("poll status " + status);
                stats.errors.increment();
                ctx.close();
                return;
            }
            if (ctx.channel().isActive() && !dropping) {
                poll(uri);
            }
        }

        /** Long-poll is stateless: a server that ends the keep-alive connection is simply polled again. */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!dropping && ready && ctx.channel() == ch) {
                stats.repolls.increment();
                open();
            } else {
                inactive("closed");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause.toString());
            ctx.close();
        }
    }
}
