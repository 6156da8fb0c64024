package io.rtgw.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.ChannelName;
import io.rtgw.core.EventName;
import io.rtgw.core.broker.PublishRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One validated publish of {@code POST /api/publish}: a tenant, one channel or several, and the
 * message. Every rule is checked before anything is published, so a bad batch publishes nothing.
 */
record PublishBody(String tenant, List<ChannelName> channels, boolean multi, String event, String data,
                   String idempotencyKey) {
    static final int MAX_CHANNELS = 100;
    static final int MAX_KEY_LENGTH = 256;
    private static final Set<String> FIELDS = Set.of("tenant", "channel", "channels", "event", "data", "idempotencyKey");

    /** A rule the body breaks, said so that the caller can fix it. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        /** The one field at fault, or null. */
        final String field;

        Invalid(String message, String field) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    static PublishBody parse(JsonNode node) throws Invalid {
        if (!node.isObject()) {
            throw new Invalid("a publish must be a JSON object", null);
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new Invalid("unknown field '" + field + "' (expected: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")", field);
            }
        }
        String tenant = requiredText(node, "tenant");
        if (!ChannelName.isValidTenant(tenant)) {
            throw new Invalid("tenant must be 1-64 characters of A-Z a-z 0-9 _ -", "tenant");
        }
        boolean multi = node.has("channels");
        if (multi == node.has("channel")) {
            throw new Invalid("give exactly one of 'channel' or 'channels'", "channel");
        }
        List<ChannelName> channels = multi ? channelList(tenant, node.get("channels"))
                : List.of(channel(tenant, requiredText(node, "channel"), "channel"));
        String event = optionalText(node, "event");
        if (event != null) {
            checkEvent(event, "event");
        }
        if (!node.has("data")) {
            throw new Invalid("'data' is required (any JSON value)", "data");
        }
        String key = optionalText(node, "idempotencyKey");
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH)) {
            throw new Invalid("idempotencyKey must be 1-" + MAX_KEY_LENGTH + " characters", "idempotencyKey");
        }
        return new PublishBody(tenant, channels, multi, event == null ? PublishRequest.DEFAULT_EVENT : event,
                node.get("data").toString(), key);
    }

    List<PublishRequest> requests() {
        List<PublishRequest> out = new ArrayList<>(channels.size());
        for (ChannelName c : channels) {
            out.add(new PublishRequest(c, event, data, idempotencyKey));
        }
        return out;
    }

    static void checkEvent(String event, String field) throws Invalid {
        String problem = EventName.problem(event);
        if (problem != null) {
            throw new Invalid(problem, field);
        }
    }

    private static List<ChannelName> channelList(String tenant, JsonNode array) throws Invalid {
        if (!array.isArray() || array.isEmpty() || array.size() > MAX_CHANNELS) {
            throw new Invalid("'channels' must be an array of 1-" + MAX_CHANNELS + " channel names", "channels");
        }
        Set<ChannelName> out = new LinkedHashSet<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new Invalid("'channels' must contain only strings", "channels");
            }
            if (!out.add(channel(tenant, n.asText(), "channels"))) {
                throw new Invalid("channel '" + n.asText() + "' is listed twice", "channels");
            }
        }
        return List.copyOf(out);
    }

    private static ChannelName channel(String tenant, String name, String field) throws Invalid {
        String problem = ChannelName.nameProblem(name);
        if (problem != null) {
            throw new Invalid(problem, field);
        }
        return ChannelName.of(tenant, name);
    }

    private static String requiredText(JsonNode node, String field) throws Invalid {
        String value = optionalText(node, field);
        if (value == null) {
            throw new Invalid("'" + field + "' is required (a string)", field);
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid("'" + field + "' must be a string", field);
        }
        return v.asText();
    }
}
