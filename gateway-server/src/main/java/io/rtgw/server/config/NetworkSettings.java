package io.rtgw.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Listeners and who may reach them.
 *
 * @param publicPort     0 = pick a free port (the server logs the one it got)
 * @param adminBind      defaults to {@code bind}, so a single setting moves both listeners
 * @param allowedOrigins lower-case {@code scheme://host[:port]}; empty = no Origin check
 * @param trustedProxies peers whose X-Forwarded-For is believed; empty = none
 */
public record NetworkSettings(int publicPort, int adminPort, String bind, String adminBind,
        List<String> allowedOrigins, List<IpRange> trustedProxies) {
    public static final int DEFAULT_PUBLIC_PORT = 8080;
    public static final int DEFAULT_ADMIN_PORT = 9090;
    public static final String DEFAULT_BIND = "0.0.0.0";

    private static final String PORT = "a port from 0 to 65535 (0 = pick a free one)";
    private static final String HOST = "an IP address or host name, like 0.0.0.0 or 127.0.0.1";
    private static final String ORIGIN = "comma-separated origins like https://app.example.com (scheme://host[:port], no path)";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern ORIGIN_PATTERN = Pattern.compile("[a-z][a-z0-9+.-]*://[^/?#\\s@]+");

    public NetworkSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    public boolean originCheck() {
        return !allowedOrigins.isEmpty();
    }

    static NetworkSettings from(SettingReader r) {
        int publicPort = r.integer(Setting.PUBLIC_PORT, DEFAULT_PUBLIC_PORT, 0, 65535, PORT);
        int adminPort = r.integer(Setting.ADMIN_PORT, DEFAULT_ADMIN_PORT, 0, 65535, PORT);
        String bind = host(r, Setting.BIND, DEFAULT_BIND);
        String adminBind = host(r, Setting.ADMIN_BIND, bind);
        if (publicPort != 0 && publicPort == adminPort && overlap(bind, adminBind)) {
            throw SettingReader.invalid(r.raw(r.isSet(Setting.ADMIN_PORT) ? Setting.ADMIN_PORT : Setting.PUBLIC_PORT),
                    "makes the admin and public listeners share a port",
                    "different ports, so the admin API is never reachable through the public listener");
        }
        return new NetworkSettings(publicPort, adminPort, bind, adminBind, origins(r), proxies(r));
    }

    private static String host(SettingReader r, Setting s, String def) {
        if (!r.isSet(s)) {
            return def;
        }
        String h = r.string(s).orElseThrow();
        if (IpRange.literal(h) == null && !isHostName(h)) {
            throw SettingReader.invalid(r.raw(s), "is not an address", HOST);
        }
        return h;
    }

    /** A numeric last label is a mistyped IP (like 300.1.1.1), never a name: no top-level domain is numeric. */
    private static boolean isHostName(String h) {
        return h.length() <= 253 && HOST_NAME.matcher(h).matches() && !h.substring(h.lastIndexOf('.') + 1).matches("\\d+");
    }

    private static boolean overlap(String a, String b) {
        return a.equals(b) || isWildcard(a) || isWildcard(b);
    }

    private static boolean isWildcard(String host) {
        byte[] ip = IpRange.literal(host);
        if (ip == null) {
            return false;
        }
        for (byte x : ip) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static List<String> origins(SettingReader r) {
        List<String> out = new ArrayList<>();
        for (String o : r.list(Setting.ALLOWED_ORIGINS)) {
            // Browsers send scheme and host in lower case; matching is case-insensitive.
            String lower = o.toLowerCase(Locale.ROOT);
            if (o.equals("*")) {
                throw new ConfigException(r.where(Setting.ALLOWED_ORIGINS) + ": \"*\" is not an origin (expected: "
                        + "leave the setting unset to allow every origin, or list them)");
            }
            if (!ORIGIN_PATTERN.matcher(lower).matches()) {
                throw new ConfigException(r.where(Setting.ALLOWED_ORIGINS) + ": \"" + o + "\" is not an origin (expected: "
                        + ORIGIN + ")");
            }
            out.add(lower);
        }
        return out;
    }

    private static List<IpRange> proxies(SettingReader r) {
        List<IpRange> out = new ArrayList<>();
        for (String p : r.list(Setting.TRUSTED_PROXIES)) {
            try {
                out.add(IpRange.parse(p));
            } catch (Formats.BadValue e) {
                String expected = e.expected != null ? e.expected : "comma-separated IPs or CIDR blocks like 10.0.0.0/8, ::1";
                throw new ConfigException(r.where(Setting.TRUSTED_PROXIES) + ": \"" + p + "\" " + e.getMessage()
                        + " (expected: " + expected + ")");
            }
        }
        return out;
    }
}
