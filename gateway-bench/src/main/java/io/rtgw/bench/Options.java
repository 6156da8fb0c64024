package io.rtgw.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the form {@code --name value} or a bare {@code --flag}, plus positional
 * words. Unknown names are kept, so one parser serves the coordinator and the workers; a typo is
 * caught by {@link #rejectUnknown}.
 */
public final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    o.values.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    o.values.put(name, args[++i]);
                } else {
                    o.values.put(name, "true");
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    public List<String> positional() {
        return positional;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int getInt(String name, int fallback) {
        String v = values.get(name);
        return v == null ? fallback : (int) parseCount(name, v);
    }

    public double getDouble(String name, double fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
    }

    public boolean flag(String name) {
        return "true".equalsIgnoreCase(values.get(name));
    }

    /** A comma-separated list of counts, e.g. {@code --rates 100,1k,2.5k}. */
    public long[] getCounts(String name, String fallback) {
        String[] parts = get(name, fallback).split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseCount(name, parts[i].trim());
        }
        return out;
    }

    /** Counts accept k and m suffixes (10k = 10000) so long runs are easy to type. */
    static long parseCount(String name, String v) {
        String s = v.trim().toLowerCase();
        double mul = 1;
        if (s.endsWith("k")) {
            mul = 1e3;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mul = 1e6;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(s) * mul);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a count: " + v);
        }
    }

    public void rejectUnknown(List<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + " (known: --" + String.join(", --", known) + ")");
            }
        }
    }

    public Map<String, String> asMap() {
        return values;
    }
}
