package io.rtgw.server.config;

/** "Did you mean" for misspelt keys: a typo is the most common reason for an unknown key. */
final class Suggest {
    private Suggest() {}

    /** " (did you mean heartbeat?)", or "" when no setting is close. */
    static String closest(String key) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (Setting s : Setting.values()) {
            keys.add(s.yamlKey());
        }
        return closest(key.toLowerCase(java.util.Locale.ROOT), keys);
    }

    static String closest(String key, Iterable<String> candidates) {
        String best = null;
        int bestDistance = 3; // beyond two edits a suggestion is more confusing than helpful
        for (String c : candidates) {
            int d = distance(key, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
