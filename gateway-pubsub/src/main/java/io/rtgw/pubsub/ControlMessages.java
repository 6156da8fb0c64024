package io.rtgw.pubsub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import java.io.IOException;

/**
 * The JSON the nodes exchange on the control plane's pub/sub channels (docs/scaling.md, "Control
 * plane keys in Redis"): a command {@code {"type", "id", "origin", …its fields}} on the control
 * channel, and each node's answer {@code {"type":"reply", "id", "node", "count"}} on the origin's
 * reply channel. Anything else is refused with an {@link IllegalArgumentException}.
 */
final class ControlMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    sealed interface Message permits Command, Reply {
    }

    record Command(String id, String origin, ControlCommand command) implements Message {
    }

    record Reply(String id, String node, int count) implements Message {
    }

    private ControlMessages() {
    }

    static String command(String id, String origin, ControlCommand command) {
        ObjectNode json = JSON.createObjectNode();
        if (command instanceof ControlCommand.Disconnect d) {
            json.put("type", "disconnect").put("id", id).put("origin", origin)
                    .put("tenant", d.tenant()).put("user", d.user()).put("reconnect", d.reconnect());
            if (d.client() != null) {
                json.put("client", d.client());
            }
        } else if (command instanceof ControlCommand.Unsubscribe u) {
            json.put("type", "unsubscribe").put("id", id).put("origin", origin)
                    .put("tenant", u.tenant()).put("user", u.user()).put("channel", u.channel());
        } else if (command instanceof ControlCommand.Revoke r) {
            json.put("type", "revoke").put("id", id).put("origin", origin);
            putRevocation(json, r.revocation());
        } else if (command instanceof ControlCommand.Lift l) {
            json.put("type", "lift").put("id", id).put("origin", origin);
            putRevocation(json, l.revocation());
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
        return json.toString();
    }

    private static void putRevocation(ObjectNode json, Revocation r) {
        json.put("tenant", r.tenant());
        if (r.byUser()) {
            json.put("user", r.user()).put("before", r.before());
        } else {
            json.put("jti", r.jti()).put("exp", r.exp());
        }
    }

    static String reply(String id, String node, int count) {
        return JSON.createObjectNode().put("type", "reply").put("id", id).put("node", node).put("count", count).toString();
    }

    static Message decode(byte[] payload) {
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = text(json, "type");
        String id = text(json, "id");
        return switch (type) {
            case "reply" -> new Reply(id, text(json, "node"), json.path("count").asInt(0));
            case "disconnect" -> new Command(id, text(json, "origin"), new ControlCommand.Disconnect(
                    text(json, "tenant"), text(json, "user"), optionalText(json, "client"),
                    json.path("reconnect").asBoolean(false)));
            case "unsubscribe" -> new Command(id, text(json, "origin"), new ControlCommand.Unsubscribe(
                    text(json, "tenant"), text(json, "user"), text(json, "channel")));
            case "revoke" -> new Command(id, text(json, "origin"), new ControlCommand.Revoke(revocation(json)));
            case "lift" -> new Command(id, text(json, "origin"), new ControlCommand.Lift(revocation(json)));
            default -> throw new IllegalArgumentException("unknown type '" + abbreviated(type) + "'");
        };
    }

    private static Revocation revocation(JsonNode json) {
        String tenant = text(json, "tenant");
        String user = optionalText(json, "user");
        if (user != null) {
            return Revocation.ofUser(tenant, user, number(json, "before"));
        }
        return Revocation.ofToken(tenant, text(json, "jti"), number(json, "exp"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : text(json, field);
    }

    private static long number(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not an integer");
        }
        return value.asLong();
    }

    /** Message text in a log line, cut short: it came from whoever published it. */
    static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
