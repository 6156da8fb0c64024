package io.rtgw.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the server API refuses, said so that the caller can fix it: thrown while reading and
 * checking a request, before anything is applied, so nothing is ever half-done.
 */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient HttpResponseStatus status;
    private final String code;
    private final String field;

    public ApiError(HttpResponseStatus status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** 400 {@code bad_request} naming the field at fault. */
    public static ApiError badField(String field, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_request", message, field);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_request", message, null);
    }

    public String field() {
        return field;
    }

    public AdminResponse response() {
        return AdminResponse.error(status, code, getMessage(), field);
    }
}
