package io.rtgw.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the textual value formats shared by the YAML file and the environment. Each throws
 * {@link BadValue} with a short problem; {@link SettingReader} adds the setting name and the raw
 * value, so the formats stay independent of where a value came from.
 */
final class Formats {
    static final String DURATION = "a duration like 500ms, 25s, 10m, 1h or 2d (a plain number is seconds)";
    static final String SIZE = "a size like 512, 64KiB or 1MiB (KiB/MiB/GiB = 1024-based, KB/MB/GB = 1000-based)";
    static final String BOOLEAN = "true, false, yes, no, 1 or 0";
    static final String RATE = "a number per second, like 10, 0.5 or 10/s (0 = unlimited)";

    private static final Pattern DURATION_PATTERN = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");
    private static final Pattern RATE_PATTERN = Pattern.compile("(\\d{1,9}(\\.\\d{1,6})?)\\s*(/s)?");
    private static final Pattern SIZE_PATTERN = Pattern.compile("(\\d{1,15})\\s*([a-z]*)");

    private Formats() {}

    static Duration duration(String text) {
        Matcher m = DURATION_PATTERN.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadValue("is not a duration");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Bytes. Both unit families exist in the wild, so both are accepted and documented. */
    static long size(String text) {
        Matcher m = SIZE_PATTERN.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadValue("is not a size");
        }
        long multiplier = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            default -> throw new BadValue("has an unknown size unit");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException e) {
            throw new BadValue("is too large");
        }
    }

    static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new BadValue("is not a boolean");
        };
    }

    /** Events per second; "/s" may be written out so the unit is visible in the file. */
    static double rate(String text) {
        Matcher m = RATE_PATTERN.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadValue("is not a rate");
        }
        return Double.parseDouble(m.group(1));
    }

    static long integer(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new BadValue("is not a whole number");
        }
    }

    /** Human form of a duration for messages and docs: the largest unit that divides it evenly. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        return bytes != 0 && bytes % 1024 == 0 ? (bytes >> 10) + "KiB" : bytes + "";
    }

    /** A problem with a value, without the setting's name (the reader knows that). */
    static final class BadValue extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String expected;

        BadValue(String problem) {
            this(problem, null);
        }

        /** @param expected overrides the setting's usual "expected" text, for value-specific advice */
        BadValue(String problem, String expected) {
            super(problem, null, false, false);
            this.expected = expected;
        }
    }
}
