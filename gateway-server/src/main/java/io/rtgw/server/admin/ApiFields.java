package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.core.ChannelName;
import io.rtgw.transport.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of one server-API request, from its JSON body or its query string, with one rule
 * book for both (docs/protocol.md §7): unknown fields are refused, every value is checked for its
 * type and range, and each refusal names its field. A query value is text; numbers and booleans
 * in a query are parsed from it, in a body they must be JSON numbers and booleans.
 */
public final class ApiFields {
    public static final int MAX_USER_LENGTH = 256;
    public static final int MAX_ID_LENGTH = 256;
    /** Unix seconds accepted for times: from 1970 to the end of year 9999, which no token outlives. */
    public static final long MAX_UNIX_SECONDS = 253_402_300_799L;

    private final Map<String, JsonNode> values;
    private final boolean fromQuery;

    private ApiFields(Map<String, JsonNode> values, boolean fromQuery) {
        this.values = values;
        this.fromQuery = fromQuery;
    }

    /** The body: {@code application/json} (else 415), one JSON object, only {@code allowed} fields. */
    public static ApiFields body(AdminRequest request, Set<String> allowed) throws ApiError {
        if (!request.declaresJson()) {
            throw new ApiError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "bad_request",
                    "send the body as 'Content-Type: application/json'", null);
        }
        JsonNode root;
        try (JsonParser parser = WireJson.MAPPER.createParser(request.body())) {
            // a field given twice would otherwise silently keep the last value
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = WireJson.MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                        "the body must be one JSON object; there is more after it", null);
            }
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a field is given twice: " + e.getOriginalMessage() : "the body is not valid JSON";
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_json", message, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source does not fail to read
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("the body must be a JSON object");
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            values.put(e.getKey(), e.getValue());
        }
        checkKnown(values.keySet(), allowed, "field");
        return new ApiFields(values, false);
    }

    /** The query string: only {@code allowed} parameters, each at most once. */
    public static ApiFields query(AdminRequest request, Set<String> allowed) throws ApiError {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : request.query().entrySet()) {
            if (e.getValue().size() > 1) {
                throw ApiError.badField(e.getKey(), "'" + e.getKey() + "' is given more than once");
            }
            values.put(e.getKey(), JsonNodeFactory.instance.textNode(e.getValue().isEmpty() ? "" : e.getValue().get(0)));
        }
        checkKnown(values.keySet(), allowed, "parameter");
        return new ApiFields(values, true);
    }

    private static void checkKnown(Set<String> given, Set<String> allowed, String what) throws ApiError {
        for (String name : given) {
            if (!allowed.contains(name)) {
                throw ApiError.badField(name, "unknown " + what + " '" + name + "' (expected: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    public boolean has(String name) {
        JsonNode v = values.get(name);
        return v != null && !v.isNull();
    }

    /** A string; null when absent and not required. */
    public String text(String name, boolean required) throws ApiError {
        JsonNode v = values.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badField(name, "'" + name + "' is required (a string)");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.badField(name, "'" + name + "' must be a string");
        }
        return v.asText();
    }

    /** The tenant: required, 1-64 of A-Z a-z 0-9 _ -. */
    public String tenant() throws ApiError {
        String tenant = text("tenant", true);
        if (!ChannelName.isValidTenant(tenant)) {
            throw ApiError.badField("tenant", "tenant must be 1-" + ChannelName.MAX_TENANT_LENGTH
                    + " characters of A-Z a-z 0-9 _ -");
        }
        return tenant;
    }

    /** A user id as tokens carry it in {@code sub}: any text of 1-256 characters. */
    public String user(boolean required) throws ApiError {
        String user = text("user", required);
        if (user != null) {
            checkUser(user, "user");
        }
        return user;
    }

    public static void checkUser(String user, String field) throws ApiError {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            throw ApiError.badField(field, "'" + field + "' must be 1-" + MAX_USER_LENGTH + " characters");
        }
    }

    /** An opaque id (a client id, a token's jti): 1-256 characters. */
    public String id(String name, boolean required) throws ApiError {
        String id = text(name, required);
        if (id != null && (id.isEmpty() || id.length() > MAX_ID_LENGTH)) {
            throw ApiError.badField(name, "'" + name + "' must be 1-" + MAX_ID_LENGTH + " characters");
        }
        return id;
    }

    /** A channel name relative to the tenant, by the rules of docs/protocol.md §2. */
    public String channel(String name, boolean required) throws ApiError {
        String channel = text(name, required);
        if (channel != null) {
            String problem = ChannelName.nameProblem(channel);
            if (problem != null) {
                throw ApiError.badField(name, problem);
            }
        }
        return channel;
    }

    /** Unix seconds, 1 to the end of year 9999; null when absent and not required. */
    public Long unixSeconds(String name, boolean required) throws ApiError {
        Long v = number(name, required, "Unix seconds");
        if (v != null && (v < 1 || v > MAX_UNIX_SECONDS)) {
            throw ApiError.badField(name, "'" + name + "' must be Unix seconds from 1 to " + MAX_UNIX_SECONDS);
        }
        return v;
    }

    /** A whole number within {@code min..max}, {@code def} when absent. */
    public int integer(String name, int def, int min, int max) throws ApiError {
        Long v = number(name, false, "a whole number from " + min + " to " + max);
        if (v == null) {
            return def;
        }
        if (v < min || v > max) {
            throw ApiError.badField(name, "'" + name + "' must be a whole number from " + min + " to " + max);
        }
        return v.intValue();
    }

    private Long number(String name, boolean required, String expected) throws ApiError {
        JsonNode v = values.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badField(name, "'" + name + "' is required (" + expected + ")");
            }
            return null;
        }
        if (fromQuery) {
            try {
                return Long.parseLong(v.asText());
            } catch (NumberFormatException e) {
                throw ApiError.badField(name, "'" + name + "' must be " + expected);
            }
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.badField(name, "'" + name + "' must be " + expected);
        }
        return v.asLong();
    }

    /** A boolean, {@code def} when absent. */
    public boolean bool(String name, boolean def) throws ApiError {
        JsonNode v = values.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (fromQuery && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        if (!v.isBoolean()) {
            throw ApiError.badField(name, "'" + name + "' must be true or false");
        }
        return v.asBoolean();
    }
}
