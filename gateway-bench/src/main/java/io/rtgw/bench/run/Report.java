package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.bench.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One table for a run: each figure of rtgw beside the peer's figure of the same key, the ratio
 * oriented so that above 1 means rtgw is better, and the load generator's CPU beside each.
 */
public final class Report {
    private Report() {
    }

    /** The advantage of {@code ours} over {@code peer}: above 1 is better for us; NaN when undefined. */
    public static double advantage(Row ours, Row peer) {
        if (ours == null || peer == null || Double.isNaN(ours.value()) || Double.isNaN(peer.value())) {
            return Double.NaN;
        }
        double num = ours.higherIsBetter() ? ours.value() : peer.value();
        double den = ours.higherIsBetter() ? peer.value() : ours.value();
        if (den == 0) {
            return num == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return num / den;
    }

    public static String table(String title, String oursName, List<Row> ours, String peerName, List<Row> peer) {
        Map<String, Row> peerByKey = new LinkedHashMap<>();
        if (peer != null) {
            peer.forEach(r -> peerByKey.put(r.key(), r));
        }
        StringBuilder out = new StringBuilder(title).append('\n');
        String fmt = "%-52s %14s %8s" + (peer == null ? "" : " %14s %8s %9s") + "  %s%n";
        out.append(peer == null ? String.format(Locale.ROOT, fmt, "figure", oursName, "load cpu", "notes")
                : String.format(Locale.ROOT, fmt, "figure", oursName, "load cpu", peerName, "load cpu", "advantage", "notes"));
        for (Row r : ours) {
            Row p = peerByKey.remove(r.key());
            out.append(line(fmt, r, p, peer != null));
        }
        for (Row p : peerByKey.values()) { // figures only the peer has (it went further in a ramp)
            out.append(line(fmt, null, p, true));
        }
        out.append("advantage: above 1 means ").append(oursName)
                .append(" is better (higher rate, or lower cost/latency); load cpu: cores busy in the load generator\n");
        return out.toString();
    }

    private static String line(String fmt, Row r, Row p, boolean withPeer) {
        Row any = r != null ? r : p;
        String notes = join(r == null ? "" : r.note(), p == null || p.note().isEmpty() ? "" : "peer: " + p.note());
        String label = any.label() + (any.unit().isEmpty() ? "" : " (" + any.unit() + ")");
        if (!withPeer) {
            return String.format(Locale.ROOT, fmt, label, num(r == null ? Double.NaN : r.value()), cores(r), notes);
        }
        return String.format(Locale.ROOT, fmt, label, num(r == null ? Double.NaN : r.value()), cores(r),
                num(p == null ? Double.NaN : p.value()), cores(p), ratio(advantage(r, p)), notes);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String cores(Row r) {
        return r == null || Double.isNaN(r.clientCores()) || r.clientCores() == 0 ? "" : String.format(Locale.ROOT, "%.2f", r.clientCores());
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.2fx", v);
    }

    public static ObjectNode json(Map<String, String> settings, Map<String, List<Row>> byServer) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode s = root.putObject("settings");
        settings.forEach(s::put);
        ObjectNode servers = root.putObject("servers");
        byServer.forEach((name, rows) -> {
            ArrayNode a = servers.putArray(name);
            for (Row r : rows) {
                ObjectNode n = a.addObject().put("key", r.key()).put("label", r.label()).put("unit", r.unit())
                        .put("higherIsBetter", r.higherIsBetter()).put("note", r.note());
                putNumber(n, "value", r.value());
                putNumber(n, "loadGeneratorCores", r.clientCores());
                if (!r.parts().isEmpty()) {
                    ObjectNode parts = n.putObject("parts");
                    r.parts().forEach((part, v) -> putNumber(parts, part, v));
                }
            }
        });
        return root;
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }
}
