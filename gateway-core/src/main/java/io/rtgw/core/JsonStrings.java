package io.rtgw.core;

/**
 * JSON string literals for the few small documents the core writes itself (presence
 * announcements, connection events): the core has no JSON library, and these run per connection.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string; control characters escaped, so the result holds no raw line break. */
    public static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
