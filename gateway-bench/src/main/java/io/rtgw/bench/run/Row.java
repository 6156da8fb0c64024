package io.rtgw.bench.run;

import java.util.Map;

/**
 * One figure of a run. {@code key} pairs it with the peer's figure of the same meaning;
 * {@code higherIsBetter} orients the ratio (above 1 always means rtgw is better).
 * {@code clientCores} is the load generator's CPU (cores busy) while the figure was taken.
 * {@code parts}, when not empty, is what the value is made of (CPU by thread group), for the JSON.
 */
public record Row(String key, String label, double value, String unit, boolean higherIsBetter,
                  double clientCores, String note, Map<String, Double> parts) {
    public static Row of(String key, String label, double value, String unit, boolean higherIsBetter, double clientCores) {
        return new Row(key, label, value, unit, higherIsBetter, clientCores, "", Map.of());
    }

    /** The same figure of one of several runs in a table: {@code key} and {@code label} marked with the run. */
    public Row prefixed(String keyPrefix, String labelPrefix) {
        return new Row(keyPrefix + key, labelPrefix + label, value, unit, higherIsBetter, clientCores, note, parts);
    }

    public Row withNote(String n) {
        return new Row(key, label, value, unit, higherIsBetter, clientCores, n, parts);
    }

    public Row withParts(Map<String, Double> p) {
        return new Row(key, label, value, unit, higherIsBetter, clientCores, note, p);
    }

    /**
     * The same figure and parts under another key and label, without the load generator's CPU: a
     * step's figure repeated in the ramp's summary, whose rows show none.
     */
    public Row summarised(String newKey, String newLabel) {
        return new Row(newKey, newLabel, value, unit, higherIsBetter, Double.NaN, note, parts);
    }
}
