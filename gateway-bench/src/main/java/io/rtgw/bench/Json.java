package io.rtgw.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper of the bench tool (thread-safe once configured). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
