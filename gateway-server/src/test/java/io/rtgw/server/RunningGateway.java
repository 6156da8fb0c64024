package io.rtgw.server;

import io.rtgw.auth.DevTokens;
import io.rtgw.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A whole gateway node in this JVM on free loopback ports, configured through RTGW_* settings. */
final class RunningGateway implements AutoCloseable {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final String API_KEY = "test-api-key-0123456789";
    static final String ACME_KEY = "acme-only-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Gateway gateway;

    RunningGateway(Map<String, String> extra) throws Exception {
        this(null, extra);
    }

    /** @param config a YAML file (namespaces can only be set there), or null */
    RunningGateway(java.nio.file.Path config, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1",
                "RTGW_JWT_SECRET", SECRET, "RTGW_API_KEY", API_KEY,
                "RTGW_TENANT_API_KEYS", "acme:" + ACME_KEY));
        env.putAll(extra);
        gateway = Gateway.start(ConfigLoader.load(config, env, false), Map.of());
    }

    RunningGateway() throws Exception {
        this(Map.of());
    }

    static String token(String user, String tenant, String... channels) {
        return DevTokens.hs256(SECRET, user, tenant, List.of(channels), List.of(channels), Duration.ofMinutes(10));
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + gateway.publicAddress().getPort() + "/ws");
    }

    URI admin(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort() + path);
    }

    URI pub(String path) {
        return URI.create("http://127.0.0.1:" + gateway.publicAddress().getPort() + path);
    }

    HttpResponse<String> publish(String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(admin("/api/publish"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code rtgw_auth_failures_total{reason}} from the admin listener's /metrics; 0 before the first. */
    double authFailures(String reason) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^rtgw_auth_failures_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\} (\\S+)$")
                .matcher(get(admin("/metrics")).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
