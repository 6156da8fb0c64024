package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.transport.HttpResponses;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an admin route answers; {@code headers} are extra response headers (most answers have none). */
public record AdminResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public AdminResponse {
        headers = Map.copyOf(headers);
    }

    public AdminResponse(HttpResponseStatus status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    public static AdminResponse json(HttpResponseStatus status, String json) {
        return new AdminResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    public static AdminResponse text(HttpResponseStatus status, String contentType, String text) {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The error shape of every admin answer: {@code {"error":code,"message":…}}. */
    public static AdminResponse error(HttpResponseStatus status, String code, String message) {
        return error(status, code, message, null);
    }

    /** The error shape with the one field at fault, when there is one (docs/protocol.md §7). */
    public static AdminResponse error(HttpResponseStatus status, String code, String message, String field) {
        return json(status, "{\"error\":" + HttpResponses.quote(code) + ",\"message\":" + HttpResponses.quote(message)
                + (field == null ? "" : ",\"field\":" + HttpResponses.quote(field)) + "}");
    }

    public AdminResponse withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new AdminResponse(status, contentType, body, more);
    }
}
