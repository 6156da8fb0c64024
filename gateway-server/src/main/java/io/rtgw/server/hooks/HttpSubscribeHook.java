package io.rtgw.server.hooks;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.JsonStrings;
import io.rtgw.core.hooks.HookVerdict;
import io.rtgw.core.hooks.SubscribeHook;
import java.util.concurrent.CompletableFuture;

/** {@code RTGW_SUBSCRIBE_HOOK} (docs/protocol.md §11): {@code {tenant, user, client, channel, info}} → {@code {allow, ttl?}}. */
final class HttpSubscribeHook implements SubscribeHook {
    private final HookEndpoint endpoint;
    private final HookEndpoint.Verdicts<HookVerdict> verdicts = new HookEndpoint.Verdicts<>(
            body -> HookAnswerJson.read(body, false), HookVerdict.REFUSED, HookVerdict.UNAVAILABLE);

    HttpSubscribeHook(HookEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public CompletableFuture<HookVerdict> decide(ClientIdentity identity, String client, String channel) {
        StringBuilder json = who(identity, client, channel);
        return endpoint.ask(json.append('}').toString(), null, null, verdicts);
    }

    /** The fields every subscribe and publish question starts with, the object left open. */
    static StringBuilder who(ClientIdentity identity, String client, String channel) {
        StringBuilder json = new StringBuilder(128).append("{\"tenant\":");
        JsonStrings.quote(json, identity.tenant());
        json.append(",\"user\":");
        JsonStrings.quote(json, identity.user());
        json.append(",\"client\":");
        if (client == null) {
            json.append("null"); // an SSE or long-poll request asks before its connection has an id
        } else {
            JsonStrings.quote(json, client);
        }
        json.append(",\"channel\":");
        JsonStrings.quote(json, channel);
        return json.append(",\"info\":").append(identity.info() == null ? "null" : identity.info());
    }
}
