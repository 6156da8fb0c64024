package io.rtgw.server.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.auth.ApiKeyScope;
import io.rtgw.core.ChannelName;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.transport.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How {@code POST /api/publish} read and checked its body with Jackson's tree before the streaming
 * reader replaced it, kept as the reference the reader must answer like.
 */
final class TreePublishCheck {
    private static final Set<String> FIELDS = Set.of("tenant", "channel", "channels", "event", "data", "idempotencyKey");

    private TreePublishCheck() {
    }

    static PublishApi.Checked check(String body, ApiKeyScope scope) {
        JsonNode root;
        try (JsonParser parser = WireJson.MAPPER.createParser(body)) {
            root = WireJson.MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                return refused(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                        "the body must be one JSON value; there is more after it (send several as an array)"));
            }
        } catch (JsonProcessingException e) {
            return refused(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "invalid_json", "the body is not valid JSON"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            return refused(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the body is empty"));
        }
        boolean batch = root.isArray();
        List<JsonNode> items = new ArrayList<>();
        if (batch) {
            if (root.isEmpty() || root.size() > 1000) {
                return refused(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "a batch holds 1-1000 publishes"));
            }
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<PublishBody> bodies = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                bodies.add(parse(items.get(i)));
            } catch (PublishBody.Invalid e) {
                return refused(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        (batch ? "item " + i + ": " : "") + e.getMessage(), e.field));
            }
            if (!scope.allows(bodies.get(i).tenant())) {
                return refused(AdminResponse.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "this API key may not publish to tenant " + bodies.get(i).tenant(), "tenant"));
            }
        }
        return new PublishApi.Checked(null, batch, bodies);
    }

    private static PublishApi.Checked refused(AdminResponse response) {
        return new PublishApi.Checked(response, false, List.of());
    }

    private static PublishBody parse(JsonNode node) throws PublishBody.Invalid {
        if (!node.isObject()) {
            throw new PublishBody.Invalid("a publish must be a JSON object", null);
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new PublishBody.Invalid("unknown field '" + field + "' (expected: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")", field);
            }
        }
        String tenant = requiredText(node, "tenant");
        if (!ChannelName.isValidTenant(tenant)) {
            throw new PublishBody.Invalid("tenant must be 1-64 characters of A-Z a-z 0-9 _ -", "tenant");
        }
        boolean multi = node.has("channels");
        if (multi == node.has("channel")) {
            throw new PublishBody.Invalid("give exactly one of 'channel' or 'channels'", "channel");
        }
        List<ChannelName> channels = multi ? channelList(tenant, node.get("channels"))
                : List.of(channel(tenant, requiredText(node, "channel"), "channel"));
        String event = optionalText(node, "event");
        if (event != null) {
            PublishBody.checkEvent(event, "event");
        }
        if (!node.has("data")) {
            throw new PublishBody.Invalid("'data' is required (any JSON value)", "data");
        }
        String key = optionalText(node, "idempotencyKey");
        if (key != null && (key.isEmpty() || key.length() > 256)) {
            throw new PublishBody.Invalid("idempotencyKey must be 1-256 characters", "idempotencyKey");
        }
        return new PublishBody(tenant, channels, multi, event == null ? PublishRequest.DEFAULT_EVENT : event,
                node.get("data").toString(), key);
    }

    private static List<ChannelName> channelList(String tenant, JsonNode array) throws PublishBody.Invalid {
        if (!array.isArray() || array.isEmpty() || array.size() > 100) {
            throw new PublishBody.Invalid("'channels' must be an array of 1-100 channel names", "channels");
        }
        Set<ChannelName> out = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new PublishBody.Invalid("'channels' must contain only strings", "channels");
            }
            if (!out.add(channel(tenant, n.asText(), "channels"))) {
                throw new PublishBody.Invalid("channel '" + n.asText() + "' is listed twice", "channels");
            }
        }
        return List.copyOf(out);
    }

    private static ChannelName channel(String tenant, String name, String field) throws PublishBody.Invalid {
        String problem = ChannelName.nameProblem(name);
        if (problem != null) {
            throw new PublishBody.Invalid(problem, field);
        }
        return ChannelName.of(tenant, name);
    }

    private static String requiredText(JsonNode node, String field) throws PublishBody.Invalid {
        String value = optionalText(node, field);
        if (value == null) {
            throw new PublishBody.Invalid("'" + field + "' is required (a string)", field);
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) throws PublishBody.Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new PublishBody.Invalid("'" + field + "' must be a string", field);
        }
        return v.asText();
    }
}
