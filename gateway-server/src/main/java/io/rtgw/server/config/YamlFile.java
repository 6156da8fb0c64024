package io.rtgw.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Reads the optional {@code --config} file into raw values, refusing unknown keys. */
final class YamlFile {
    private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            // A key given twice is almost always a copy-paste accident; silently taking the last hides it.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private YamlFile() {}

    static Map<Setting, RawValue> read(Path file) {
        JsonNode root = parse(file);
        Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values; // an empty file is a valid "no overrides"
        }
        if (!(root instanceof ObjectNode)) {
            throw new ConfigException(file + ": expected a map of settings at the top level (like heartbeat: 25s)");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            Setting setting = Setting.byYamlKey(e.getKey());
            if (setting == null) {
                throw new ConfigException(file + ": " + e.getKey() + " is not a known setting"
                        + Suggest.closest(e.getKey()) + " (expected: a key listed in docs/configuration.md)");
            }
            if (!isEmpty(e.getValue())) { // "key:" with no value reads as unset, like a commented-out line
                values.put(setting, RawValue.yaml(file + ": " + e.getKey(), e.getValue()));
            }
        }
        return values;
    }

    /** Jackson reads {@code key:} as null or as "", depending on context; both mean "not given". */
    static boolean isEmpty(JsonNode node) {
        return node.isNull() || (node.isTextual() && node.asText().isBlank());
    }

    private static JsonNode parse(Path file) {
        try {
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config " + file + ": file not found (expected: a readable YAML file)");
        } catch (AccessDeniedException e) {
            throw new ConfigException("--config " + file + ": permission denied (expected: a readable YAML file)");
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(file + ": YAML syntax error" + where + ": " + firstLine(e.getOriginalMessage())
                    + " (expected: valid YAML, see docker/rtgw.example.yml)", e);
        } catch (IOException e) {
            throw new ConfigException("--config " + file + ": cannot be read: " + e.getMessage()
                    + " (expected: a readable YAML file)", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
