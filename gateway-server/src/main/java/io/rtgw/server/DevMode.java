package io.rtgw.server;

import io.rtgw.auth.DevTokens;
import io.rtgw.server.config.GatewayConfig;
import io.rtgw.transport.StaticEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code --dev} adds: a demo token for tenant {@code demo}, the URLs and a ready {@code curl}
 * line on the console, and a demo page at {@code /} that connects with that token.
 */
final class DevMode {
    static final String TENANT = "demo";
    static final String USER = "demo-user";
    /**
     * What the demo page, README and docs/getting-started.md use: {@code room:*} to subscribe and
     * publish (the personal channel needs no grant). Not {@code *}: the token is printed and
     * embedded in a page, and a copy should not open every channel of the tenant.
     */
    static final List<String> DEMO_GRANTS = List.of("room:*");

    private final GatewayConfig config;
    /** One token per run: the page and the console show the same one. */
    private final String token;

    DevMode(GatewayConfig config) {
        this.config = config;
        this.token = config.jwt().secret()
                .map(secret -> DevTokens.hs256(secret, USER, TENANT, DEMO_GRANTS, DEMO_GRANTS, Duration.ofHours(24)))
                .orElse(null);
    }

    Map<String, StaticEndpoint> pages() {
        String html = resource("rtgw/demo.html").replace("__RTGW_DEMO_TOKEN__", token == null ? "" : token);
        return Map.of("/", new StaticEndpoint("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8)));
    }

    void printBanner(Gateway gateway, PrintStream out) {
        String pub = hostPort(gateway.publicAddress());
        String admin = hostPort(gateway.adminAddress());
        String apiKey = config.apiKeys().global().isEmpty() ? "<your api key>" : config.apiKeys().global().get(0);
        out.println();
        out.println("rtgw dev mode (embedded broker unless RTGW_REDIS_URL is set; secrets below are for this run only)");
        out.println("  demo page  http://" + pub + "/");
        out.println("  websocket  ws://" + pub + "/ws");
        out.println("  sse        http://" + pub + "/sse?channel=room:1");
        out.println("  admin      http://" + admin + "/metrics  /healthz  /readyz  POST /api/publish");
        config.generatedSecrets().forEach((name, value) -> out.println("  " + name + "=" + value));
        if (token != null) {
            out.println("  demo token (tenant demo, user demo-user, room:* to subscribe and publish, 24 h):");
            out.println("    " + token);
        }
        out.println("  publish:");
        out.println("    curl -s -X POST http://" + admin + "/api/publish -H 'Authorization: Bearer " + apiKey
                + "' -H 'Content-Type: application/json' -d '{\"tenant\":\"demo\",\"channel\":\"room:1\",\"data\":{\"text\":\"hello\"}}'");
        out.println();
        out.flush();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        return host + ":" + address.getPort();
    }

    private static String resource(String name) {
        try (InputStream in = DevMode.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
