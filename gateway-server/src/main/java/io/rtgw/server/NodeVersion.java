package io.rtgw.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version {@code GET /api/info} reports: the shaded jar's {@code Implementation-Version}, else
 * the Maven project version the build wrote into {@code version.properties} (classes run from a
 * build directory, as in tests).
 */
final class NodeVersion {
    private NodeVersion() {
    }

    static String current() {
        String fromManifest = NodeVersion.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = NodeVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").trim();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a version is informative, never worth failing the node for
        }
        return "unknown";
    }
}
