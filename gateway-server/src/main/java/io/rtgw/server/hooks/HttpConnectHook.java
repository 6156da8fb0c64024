package io.rtgw.server.hooks;

import io.rtgw.auth.ConnectAnswers;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.JsonStrings;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.hooks.ConnectHook;
import io.rtgw.core.hooks.ConnectRequest;
import java.util.concurrent.CompletableFuture;

/**
 * {@code RTGW_CONNECT_HOOK} (docs/protocol.md §11): POSTs {@code {transport, address}} with the
 * client's {@code Cookie} and {@code Authorization} headers passed on as they came, so the app's
 * own session middleware reads them; a 200 answer is read by {@link ConnectAnswers}, exactly as a
 * token's claims.
 */
final class HttpConnectHook implements ConnectHook {
    static final String REFUSED = "refused by the app (connect hook)";
    static final String NO_ANSWER = "the app did not answer (connect hook); try again";

    /** A verdict or a refusal; the endpoint's verdicts are values, the hook's are a future that may fail. */
    private record Outcome(ClientIdentity identity, AuthenticationException refusal) {
    }

    private final HookEndpoint endpoint;
    private final HookEndpoint.Verdicts<Outcome> verdicts;

    HttpConnectHook(HookEndpoint endpoint, ConnectAnswers answers) {
        this.endpoint = endpoint;
        this.verdicts = new HookEndpoint.Verdicts<>(body -> {
            try {
                return new HookEndpoint.Judged<>(new Outcome(answers.identity(body), null), HookResult.ALLOWED);
            } catch (AuthenticationException e) {
                return new HookEndpoint.Judged<>(new Outcome(null, e), HookResult.INVALID, e.getMessage());
            }
        }, new Outcome(null, new AuthenticationException(AuthFailure.INVALID, REFUSED)),
                new Outcome(null, new AuthenticationException(AuthFailure.UNAVAILABLE, NO_ANSWER)));
    }

    @Override
    public CompletableFuture<ClientIdentity> admit(ConnectRequest request) {
        StringBuilder json = new StringBuilder(64).append("{\"transport\":");
        JsonStrings.quote(json, request.transportName());
        json.append(",\"address\":");
        if (request.address() == null) {
            json.append("null");
        } else {
            JsonStrings.quote(json, request.address());
        }
        json.append('}');
        return endpoint.ask(json.toString(), request.cookie(), request.authorization(), verdicts)
                .thenCompose(o -> o.refusal() == null ? CompletableFuture.completedFuture(o.identity())
                        : CompletableFuture.failedFuture(o.refusal()));
    }
}
