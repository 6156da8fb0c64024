package io.rtgw.server.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A request to the admin listener, decoupled from the Netty buffer it arrived in. */
public record AdminRequest(HttpMethod method, String path, java.util.Map<String, List<String>> query,
                           String authorization, String body) {

    static AdminRequest of(FullHttpRequest request) {
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
        return new AdminRequest(request.method(), decoder.path(), decoder.parameters(),
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                request.content().toString(StandardCharsets.UTF_8));
    }

    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
