package io.rtgw.server;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server-API client of the ITs: every call it makes is checked against docs/openapi.yaml
 * ({@link OpenApiContract}), so the tests exercise the file as much as the code.
 */
final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final RunningGateway node;
    private final String key;

    ApiClient(RunningGateway node, String key) {
        this.node = node;
        this.key = key;
    }

    ApiClient as(String otherKey) {
        return new ApiClient(node, otherKey);
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return send("GET", pathAndQuery, null, null);
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return send("POST", path, "application/json", json);
    }

    HttpResponse<String> delete(String path, String json) throws Exception {
        return send("DELETE", path, "application/json", json);
    }

    HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.admin(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        URI uri = URI.create(pathAndQuery);
        OpenApiContract.get().check(method, uri.getRawPath(), queryNames(uri.getRawQuery()), body, r.statusCode(), r.body());
        return r;
    }

    private static Set<String> queryNames(String rawQuery) {
        Set<String> names = new TreeSet<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                names.add(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8));
            }
        }
        return names;
    }
}
