package io.rtgw.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One WebSocket client message (docs/protocol.md §4.2). {@code data} is re-serialized compactly, so
 * whatever whitespace the client sent never reaches a wire format that cares about line breaks.
 */
public record ClientCommand(String type, String channel, String since, String event, String data,
                            String ref, String token) {

    /** The frame is not JSON at all: the connection is closed with 1007. */
    public static final class InvalidJson extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidJson(String message) {
            super(message, null, false, false);
        }
    }

    /** JSON, but not a command: answered with an {@code error}, the connection stays. */
    public static final class BadCommand extends Exception {
        private static final long serialVersionUID = 1L;
        private final String ref;

        BadCommand(String ref, String message) {
            super(message, null, false, false);
            this.ref = ref;
        }

        public String ref() {
            return ref;
        }
    }

    public static ClientCommand parse(String text) throws InvalidJson, BadCommand {
        JsonNode node;
        try {
            node = WireJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidJson("frame is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BadCommand(null, "a message must be a JSON object with a type");
        }
        String ref = text(node, "ref");
        String type = text(node, "type");
        if (type == null) {
            throw new BadCommand(ref, "a message must have a string field type");
        }
        JsonNode data = node.get("data");
        String compactData;
        try {
            compactData = data == null ? null : WireJson.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new BadCommand(ref, "data cannot be serialized");
        }
        return new ClientCommand(type, text(node, "channel"), text(node, "since"), text(node, "event"),
                compactData, ref, text(node, "token"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
