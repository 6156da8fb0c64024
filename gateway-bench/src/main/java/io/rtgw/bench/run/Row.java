package io.rtgw.bench.run;

/**
 * One figure of a run. {@code key} pairs it with the peer's figure of the same meaning;
 * {@code higherIsBetter} orients the ratio (above 1 always means rtgw is better).
 * {@code clientCores} is the load generator's CPU (cores busy) while the figure was taken.
 */
public record Row(String key, String label, double value, String unit, boolean higherIsBetter,
                  double clientCores, String note) {
    public static Row of(String key, String label, double value, String unit, boolean higherIsBetter, double clientCores) {
        return new Row(key, label, value, unit, higherIsBetter, clientCores, "");
    }

    /** The same figure of one of several runs in a table: {@code key} and {@code label} marked with the run. */
    public Row prefixed(String keyPrefix, String labelPrefix) {
        return new Row(keyPrefix + key, labelPrefix + label, value, unit, higherIsBetter, clientCores, note);
    }

    public Row withNote(String n) {
        return new Row(key, label, value, unit, higherIsBetter, clientCores, n);
    }
}
