package io.rtgw.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to the merged raw values. Every conversion failure becomes a one-line
 * {@link ConfigException} of the form {@code WHERE: "VALUE" PROBLEM (expected: ...)}.
 */
final class SettingReader {
    private static final int MAX_SHOWN = 60;

    private final Map<Setting, RawValue> values;

    SettingReader(Map<Setting, RawValue> values) {
        this.values = values;
    }

    RawValue raw(Setting s) {
        return values.get(s);
    }

    boolean isSet(Setting s) {
        return values.containsKey(s);
    }

    /** How to name a setting in a message: as the user wrote it, or as an env name when unset. */
    String where(Setting s) {
        RawValue v = values.get(s);
        return v != null ? v.where() : s.envName();
    }

    Optional<String> string(Setting s) {
        RawValue v = values.get(s);
        return v == null ? Optional.empty() : Optional.of(scalar(v));
    }

    String string(Setting s, String def) {
        return string(s).orElse(def);
    }

    boolean bool(Setting s, boolean def) {
        RawValue v = values.get(s);
        return v == null ? def : bool(v);
    }

    int integer(Setting s, int def, int min, int max, String expected) {
        RawValue v = values.get(s);
        return v == null ? def : integer(v, min, max, expected);
    }

    Duration duration(Setting s, Duration def, Duration min) {
        RawValue v = values.get(s);
        return v == null ? def : duration(v, min);
    }

    long size(Setting s, long def, long min, long max) {
        RawValue v = values.get(s);
        if (v == null) {
            return def;
        }
        long bytes = convert(v, Formats.SIZE, Formats::size);
        if (bytes < min || bytes > max) {
            throw invalid(v, bytes < min ? "is too small" : "is too large",
                    "a size from " + Formats.formatSize(min) + " to " + Formats.formatSize(max) + ", like 64KiB");
        }
        return bytes;
    }

    double rate(Setting s, double def) {
        RawValue v = values.get(s);
        return v == null ? def : convert(v, Formats.RATE, Formats::rate);
    }

    /** A YAML list, or comma-separated text (env, or a YAML string); blank items are dropped. */
    List<String> list(Setting s) {
        RawValue v = values.get(s);
        return v == null ? List.of() : list(v);
    }

    // --- conversions of a single raw value, also used for nested YAML (namespaces) ---

    static String scalar(RawValue v) {
        if (!v.isYaml()) {
            return v.text().strip();
        }
        if (v.node().isContainerNode()) {
            throw new ConfigException(v.where() + ": expected a single value, found a "
                    + (v.node().isArray() ? "list" : "map"));
        }
        return v.node().asText().strip();
    }

    static List<String> list(RawValue v) {
        List<String> out = new ArrayList<>();
        if (v.isYaml() && v.node().isArray()) {
            for (JsonNode item : v.node()) {
                if (item.isContainerNode()) {
                    throw new ConfigException(v.where() + ": expected a list of plain values, found a nested "
                            + (item.isArray() ? "list" : "map"));
                }
                addTrimmed(out, item.asText());
            }
            return out;
        }
        for (String item : scalar(v).split(",")) {
            addTrimmed(out, item);
        }
        return out;
    }

    private static void addTrimmed(List<String> out, String item) {
        String t = item.strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    static boolean bool(RawValue v) {
        return convert(v, Formats.BOOLEAN, Formats::bool);
    }

    static int integer(RawValue v, int min, int max, String expected) {
        long n = convert(v, expected, Formats::integer);
        if (n < min || n > max) {
            throw invalid(v, n < min ? "is too small" : "is too large", expected);
        }
        return (int) n;
    }

    static Duration duration(RawValue v, Duration min) {
        Duration d = convert(v, Formats.DURATION, Formats::duration);
        if (d.compareTo(min) < 0) {
            throw invalid(v, "is too short", "a duration of at least " + Formats.format(min) + ", like 25s");
        }
        return d;
    }

    private static <T> T convert(RawValue v, String expected, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(scalar(v));
        } catch (Formats.BadValue e) {
            throw invalid(v, e.getMessage(), e.expected != null ? e.expected : expected);
        }
    }

    static ConfigException invalid(RawValue v, String problem, String expected) {
        return new ConfigException(v.where() + ": " + shown(v) + " " + problem + " (expected: " + expected + ")");
    }

    /** For keys and secrets: the value itself must never reach a log line. */
    static ConfigException invalidSecret(RawValue v, String problem, String expected) {
        return new ConfigException(v.where() + ": the value " + problem + " (expected: " + expected + ")");
    }

    private static String shown(RawValue v) {
        String text = v.isYaml() && v.node().isContainerNode() ? v.node().toString() : scalarText(v);
        text = text.replace("\n", "\\n").replace("\r", "\\r");
        if (text.length() > MAX_SHOWN) {
            text = text.substring(0, MAX_SHOWN) + "...";
        }
        return '"' + text + '"';
    }

    private static String scalarText(RawValue v) {
        return v.isYaml() ? v.node().asText() : v.text();
    }
}
