package io.rtgw.server.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value before interpretation, with the label errors must use: the env name, or file and YAML
 * path. Env values are plain text; YAML values keep their node so lists and maps stay structured.
 */
record RawValue(String where, String text, JsonNode node) {
    static RawValue env(String name, String text) {
        return new RawValue(name, text, null);
    }

    static RawValue yaml(String where, JsonNode node) {
        return new RawValue(where, null, node);
    }

    boolean isYaml() {
        return node != null;
    }
}
