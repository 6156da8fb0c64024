package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.ChannelName;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.hooks.HookVerdict;
import io.rtgw.core.hooks.Hooks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The checks SSE and long-poll share before a session starts: GET only, a well-formed channel
 * list, a token that verifies, and grants for every channel. Each refusal is answered here with
 * its status and counted; what differs per transport is handed back as callbacks.
 */
final class StreamAdmission {
    /** The session may start: its stream channels (requested plus the personal channel). */
    interface Admitted {
        void admitted(HttpRequest head, ClientIdentity identity, List<String> channels);
    }

    /** The token was refused (already counted); SSE answers an expired cookie differently. {@code kind} is null for the connect hook. */
    interface Refused {
        void refused(HttpRequest head, TokenSource.Kind kind, AuthenticationException refusal);
    }

    private final TransportContext context;
    private final Transport transport;

    StreamAdmission(TransportContext context, Transport transport) {
        this.context = context;
        this.transport = transport;
    }

    /** The parsed request, or null when it was answered with 405/400. */
    StreamRequest read(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query, boolean lastEventId) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "use GET");
            return null;
        }
        try {
            return StreamRequest.parse(request, query, lastEventId);
        } catch (StreamRequest.Invalid e) {
            badRequest(ctx, request, e);
            return null;
        }
    }

    static void badRequest(ChannelHandlerContext ctx, HttpRequest request, StreamRequest.Invalid e) {
        HttpResponses.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
    }

    /**
     * Verifies the request's token and the grants, then calls {@code admitted} on the channel's
     * event loop. {@code head} is the request's version and keep-alive, kept because the request
     * itself is released once the endpoint returns.
     */
    void authenticate(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query, HttpRequest head,
                      StreamRequest wanted, Refused refused, Admitted admitted) {
        TokenSource.Found token = context.tokens().find(request, query, false);
        if (token == null && context.connectHook() == null) {
            context.observer().authFailure(AuthFailure.MISSING);
            HttpResponses.error(ctx, head, HttpResponseStatus.UNAUTHORIZED, "unauthorized", "no token");
            return;
        }
        boolean ambient = token == null ? request.headers().contains(HttpHeaderNames.COOKIE)
                : token.kind() == TokenSource.Kind.COOKIE;
        if (ambient && !context.origins()
                .acceptsCookieToken(request, ctx.channel().remoteAddress(), context.limits().trustedProxy())) {
            // a foreign page riding on the victim's cookie: not to be retried, so not a retry stream
            context.observer().authFailure(AuthFailure.ORIGIN);
            HttpResponses.error(ctx, head, HttpResponseStatus.FORBIDDEN, "forbidden",
                    token == null ? "cookies are accepted from the gateway's own origin only"
                            : "the cookie token is accepted from the gateway's own origin only");
            return;
        }
        // no token: the app decides from the request's own credentials (docs/protocol.md §11)
        CompletableFuture<ClientIdentity> verdict = token != null ? context.authenticator().authenticate(token.token())
                : context.connectHook().admit(HookAdmission.facts(ctx, request, transport, context));
        TokenSource.Kind kind = token == null ? null : token.kind();
        verdict.whenComplete((identity, error) ->
                ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    if (error != null) {
                        AuthenticationException refusal = AuthFailures.of(error);
                        context.observer().authFailure(refusal.failure());
                        refused.refused(head, kind, refusal);
                    } else {
                        checkGrants(ctx, head, wanted, identity, kind, refused, admitted);
                    }
                }));
    }

    /**
     * The answer to a refused token on a transport that has no gentler way: 401 with the reason
     * ({@code token_expired}, {@code revoked}, else {@code unauthorized}); a token that cannot be
     * checked yet (revocations not loaded) 503 {@code unavailable}, which a poll loop retries.
     */
    static void unauthorized(ChannelHandlerContext ctx, HttpRequest head, AuthenticationException refusal) {
        if (refusal.failure() == AuthFailure.UNAVAILABLE) {
            HttpResponses.error(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", refusal.getMessage());
            return;
        }
        String code = switch (refusal.failure()) {
            case EXPIRED -> "token_expired";
            case REVOKED -> "revoked";
            default -> "unauthorized";
        };
        HttpResponses.error(ctx, head, HttpResponseStatus.UNAUTHORIZED, code, refusal.getMessage());
    }

    private void checkGrants(ChannelHandlerContext ctx, HttpRequest head, StreamRequest wanted,
                             ClientIdentity identity, TokenSource.Kind kind, Refused refused, Admitted admitted) {
        List<String> notGranted = wanted.notGranted(identity);
        Hooks hooks = context.sessions().hooks();
        for (String channel : notGranted) {
            if (!hooks.asksOnSubscribe(ChannelName.of(identity.tenant(), channel).namespace())) {
                forbidden(ctx, head, channel);
                return;
            }
        }
        if (notGranted.isEmpty()) {
            start(ctx, head, wanted, identity, admitted);
            return;
        }
        // the app decides about the rest (docs/protocol.md §11), all asked at once
        List<CompletableFuture<HookVerdict>> asked = new ArrayList<>(notGranted.size());
        for (String channel : notGranted) {
            asked.add(hooks.subscribe().decide(identity, null, channel).exceptionally(e -> HookVerdict.UNAVAILABLE));
        }
        CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).whenComplete((done, error) ->
                ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    for (int i = 0; i < asked.size(); i++) {
                        HookVerdict verdict = asked.get(i).join();
                        if (verdict.outcome() == HookVerdict.Outcome.UNAVAILABLE) {
                            // as a node that cannot check revocations yet: come back soon
                            refused.refused(head, kind, new AuthenticationException(AuthFailure.UNAVAILABLE,
                                    "the app did not answer about " + notGranted.get(i) + "; try again"));
                            return;
                        }
                        if (!verdict.allowed()) {
                            forbidden(ctx, head, notGranted.get(i));
                            return;
                        }
                    }
                    start(ctx, head, wanted, identity.grantedToo(notGranted), admitted);
                }));
    }

    private void forbidden(ChannelHandlerContext ctx, HttpRequest head, String channel) {
        context.observer().authFailure(AuthFailure.FORBIDDEN);
        HttpResponses.error(ctx, head, HttpResponseStatus.FORBIDDEN, "forbidden", "not allowed to subscribe to " + channel);
    }

    private void start(ChannelHandlerContext ctx, HttpRequest head, StreamRequest wanted, ClientIdentity identity,
                       Admitted admitted) {
        List<String> channels = wanted.streamChannels(identity, context.sessions().settings());
        if (channels.isEmpty()) {
            HttpResponses.error(ctx, head, HttpResponseStatus.BAD_REQUEST, "bad_request", "name at least one channel");
            return;
        }
        admitted.admitted(head, identity, channels);
    }
}
