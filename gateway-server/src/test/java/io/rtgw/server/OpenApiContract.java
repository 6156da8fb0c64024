package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * docs/openapi.yaml as a checker: parsed by swagger-parser (it must be a valid OpenAPI 3.1
 * document), its schemas compiled by networknt's validator with the OpenAPI 3.1 dialect. Every
 * server-API call the ITs make goes through {@link #check}: the status must be declared for the
 * operation and the body must match its schema, so the file cannot drift from the code.
 */
final class OpenApiContract {
    static final Path FILE = Path.of("..", "docs", "openapi.yaml");
    private static final String BASE = "https://rtgw.invalid/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static volatile OpenApiContract instance;

    final OpenAPI model;
    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    /** "METHOD /path" of every operation some call exercised with a declared answer. */
    final Set<String> exercised = ConcurrentHashMap.newKeySet();

    private OpenApiContract() {
        try {
            String yaml = Files.readString(FILE);
            ParseOptions options = new ParseOptions();
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
            assertThat(parsed.getMessages()).as("swagger-parser on " + FILE).isEmpty();
            model = parsed.getOpenAPI();
            assertThat(model.getOpenapi()).startsWith("3.1");
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            String json = JSON.writeValueAsString(root);
            registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
                    b -> b.schemas(Map.of(BASE, json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OpenApiContract get() {
        if (instance == null) {
            synchronized (OpenApiContract.class) {
                if (instance == null) {
                    instance = new OpenApiContract();
                }
            }
        }
        return instance;
    }

    /** Every operation of the file, as "METHOD /path". */
    Set<String> operations() {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return out;
    }

    /**
     * Checks one exchange. A path or method the file does not declare must have been answered 404
     * or 405; a declared one must answer a declared status with a body of its schema, and a
     * successful call's request body and query parameters must be what the file describes.
     */
    void check(String method, String path, Set<String> queryNames, String requestBody, int status, String responseBody) {
        String what = method + " " + path + " -> " + status + " " + responseBody;
        String template = template(path);
        JsonNode op = template == null ? null : root.path("paths").path(template).get(method.toLowerCase(Locale.ROOT));
        if (op == null) {
            assertThat(status).as("undeclared operation answered: " + what).isIn(404, 405);
            return;
        }
        String opPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        JsonNode response = op.path("responses").get(Integer.toString(status));
        assertThat(response).as("status not declared in docs/openapi.yaml: " + what).isNotNull();
        String responsePointer = opPointer + "/responses/" + status;
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
        }
        validate(responsePointer + "/content/application~1json/schema", responseBody, "response of " + what);
        exercised.add(method + " " + template);
        if (status / 100 == 2) {
            if (op.has("requestBody")) {
                validate(opPointer + "/requestBody/content/application~1json/schema", requestBody, "request of " + what);
            }
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : op.path("parameters")) {
                JsonNode param = p.has("$ref") ? root.at(p.get("$ref").asText().substring(1)) : p;
                if (param.path("in").asText().equals("query")) {
                    declared.add(param.path("name").asText());
                }
            }
            assertThat(declared).as("query parameters of " + what).containsAll(queryNames);
        }
    }

    private void validate(String pointer, String body, String what) {
        assertThat(root.at(pointer).isMissingNode()).as("no schema at " + pointer + " for " + what).isFalse();
        Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(what + ": not JSON", e);
        }
        List<Error> errors = new ArrayList<>(schema.validate(node));
        assertThat(errors).as(what + " against docs/openapi.yaml " + pointer).isEmpty();
    }

    /** The file's path template that matches a concrete path ({@code /api/users/x} → {@code /api/users/{user}}). */
    private String template(String path) {
        if (root.path("paths").has(path)) {
            return path;
        }
        for (Iterator<String> it = root.path("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            if (t.contains("{") && Pattern.matches(t.replaceAll("\\{[^}]+}", "[^/]+"), path)) {
                return t;
            }
        }
        return null;
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }
}
