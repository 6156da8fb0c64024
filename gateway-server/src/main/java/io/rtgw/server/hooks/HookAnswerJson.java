package io.rtgw.server.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.hooks.HookVerdict;

/**
 * Reads {@code {"allow": true, "ttl"?: seconds, "data"?: any}} (docs/protocol.md §11). Only a
 * literal {@code true} allows; a body that is not such an object is refused and counted
 * {@code invalid}, a well-formed {@code allow: false} counted {@code refused}.
 */
final class HookAnswerJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** A cached allow outlives a revoked permission for at most this long, whatever the app asks. */
    static final long MAX_TTL_SECONDS = 3600;

    private HookAnswerJson() {
    }

    /** @param withData whether the answer may replace the data (publish) */
    static HookEndpoint.Judged<HookVerdict> read(String body, boolean withData) {
        JsonNode answer;
        try {
            answer = MAPPER.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.path("allow").isBoolean()) {
            return new HookEndpoint.Judged<>(HookVerdict.REFUSED, HookResult.INVALID,
                    "expected a JSON object with a boolean allow");
        }
        if (!answer.get("allow").booleanValue()) {
            return new HookEndpoint.Judged<>(HookVerdict.REFUSED, HookResult.REFUSED);
        }
        JsonNode ttl = answer.get("ttl");
        if (ttl != null && !ttl.isNull() && !(ttl.isIntegralNumber() && ttl.canConvertToLong() && ttl.asLong() >= 0)) {
            return new HookEndpoint.Judged<>(HookVerdict.REFUSED, HookResult.INVALID,
                    "ttl must be a whole number of seconds, at least 0");
        }
        JsonNode data = withData ? answer.get("data") : null;
        return new HookEndpoint.Judged<>(HookVerdict.allowed(
                ttl == null || ttl.isNull() ? 0 : Math.min(MAX_TTL_SECONDS, ttl.asLong()),
                data == null ? null : data.toString()), HookResult.ALLOWED);
    }
}
