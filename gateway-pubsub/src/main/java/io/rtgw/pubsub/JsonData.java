package io.rtgw.pubsub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;

/**
 * Turns text from Redis into the compact JSON a {@code Publication} carries. Whatever arrives
 * there came from outside the gateway (apps publish with redis-cli, pretty-printed or not), so it
 * is always re-serialized: that removes raw line breaks, which would split an SSE event. Numbers
 * are kept exactly as written (no double rounding of prices or ids).
 */
final class JsonData {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private JsonData() {
    }

    /** Compact JSON for JSON text, or null when the text is not exactly one JSON value. */
    static String compactOrNull(String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || node.isMissingNode() || parser.nextToken() != null) {
                return null;
            }
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            return null;
        }
    }

    /** Compact JSON when the text is JSON, else the text as a JSON string. */
    static String compactOrString(String text) {
        String json = compactOrNull(text);
        return json != null ? json : quote(text);
    }

    static String quote(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
