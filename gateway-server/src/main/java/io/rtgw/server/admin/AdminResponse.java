package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.transport.HttpResponses;
import java.nio.charset.StandardCharsets;

/** What an admin route answers. */
public record AdminResponse(HttpResponseStatus status, String contentType, byte[] body) {
    public static final String JSON = "application/json";

    public static AdminResponse json(HttpResponseStatus status, String json) {
        return new AdminResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    public static AdminResponse text(HttpResponseStatus status, String contentType, String text) {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The error shape of every admin answer: {@code {"error":code,"message":…}}. */
    public static AdminResponse error(HttpResponseStatus status, String code, String message) {
        return json(status, "{\"error\":" + HttpResponses.quote(code) + ",\"message\":" + HttpResponses.quote(message) + "}");
    }
}
