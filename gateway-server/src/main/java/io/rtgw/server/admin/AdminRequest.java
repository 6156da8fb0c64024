package io.rtgw.server.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A request to the admin listener, decoupled from the Netty buffer it arrived in. */
public record AdminRequest(HttpMethod method, String path, java.util.Map<String, List<String>> query,
                           String authorization, String contentType, String body) {

    static AdminRequest of(FullHttpRequest request) {
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
        return new AdminRequest(request.method(), decoder.path(), decoder.parameters(),
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                request.content().toString(StandardCharsets.UTF_8));
    }

    /**
     * Whether the body is declared {@code application/json} (parameters such as {@code charset}
     * allowed). A browser's cross-site form or "simple" fetch cannot send that type without a
     * preflight, so requiring it keeps such requests from ever reaching the API.
     */
    public boolean declaresJson() {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.equalsIgnoreCase("application/json");
    }

    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
