package io.rtgw.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One scrape of {@code /metrics}, parsed into samples (name, labels, value) so that tests compare
 * numbers of exactly-labelled series instead of grepping text.
 */
final class Scrape {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private Scrape(List<Sample> samples) {
        this.samples = samples;
    }

    static Scrape parse(String exposition) {
        List<Sample> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(sample(line));
            }
        }
        return new Scrape(Collections.unmodifiableList(out));
    }

    /** Every sample name, e.g. {@code rtgw_delivery_latency_seconds_bucket}. */
    Set<String> names() {
        return samples.stream().map(Sample::name).collect(Collectors.toSet());
    }

    /** The one sample with exactly these labels (key, value, key, value…); 0 series is an error. */
    double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples for " + name + wanted);
        }
        return found.get(0).value();
    }

    private static Sample sample(String line) {
        int i = 0;
        while (line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j++);
                    if (c == '\\') {
                        char escaped = line.charAt(j++);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(line.substring(i, eq), value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String number = line.substring(i).trim().split(" ")[0];
        double value = switch (number) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(number);
        };
        return new Sample(name, Collections.unmodifiableMap(labels), value);
    }
}
