package io.rtgw.server.hooks;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.JsonStrings;
import io.rtgw.core.hooks.HookVerdict;
import io.rtgw.core.hooks.PublishHook;
import java.util.concurrent.CompletableFuture;

/**
 * {@code RTGW_PUBLISH_HOOK} (docs/protocol.md §11): {@code {tenant, user, client, channel, info,
 * event, data}} → {@code {allow, data?}}; a {@code data} in the answer replaces the client's.
 */
final class HttpPublishHook implements PublishHook {
    private final HookEndpoint endpoint;
    private final HookEndpoint.Verdicts<HookVerdict> verdicts = new HookEndpoint.Verdicts<>(
            body -> HookAnswerJson.read(body, true), HookVerdict.REFUSED, HookVerdict.UNAVAILABLE);

    HttpPublishHook(HookEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public CompletableFuture<HookVerdict> decide(ClientIdentity identity, String client, String channel, String event,
                                                 String data) {
        StringBuilder json = HttpSubscribeHook.who(identity, client, channel).append(",\"event\":");
        if (event == null) {
            json.append("null");
        } else {
            JsonStrings.quote(json, event);
        }
        json.append(",\"data\":").append(data).append('}');
        return endpoint.ask(json.toString(), null, null, verdicts);
    }
}
