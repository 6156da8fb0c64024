package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.ErrorCode;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.TokenBucket;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.hooks.ConnectRequest;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket after its upgrade: authentication (from the upgrade request or the first
 * message), the client commands, heartbeats and the close codes. The session logic itself is
 * {@link ClientSession}'s.
 */
final class WebSocketSessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSessionHandler.class);
    /** Commands a client may send before its token is verified; they run once it is. */
    private static final int MAX_EARLY_COMMANDS = 32;

    private final TransportContext context;
    private ChannelHandlerContext ctx;
    private WebSocketConnection connection;
    private ClientSession session;
    private boolean authenticating;
    private java.util.ArrayDeque<ClientCommand> early;
    private ScheduledFuture<?> authTimer;
    private ScheduledFuture<?> heartbeat;
    private long lastHeardNanos;
    /**
     * Made at the first command or publish: a bucket starts full, so one made then behaves as one
     * made at the upgrade, and the many sockets that only listen never carry one. Null until then.
     */
    private TokenBucket commands;
    private TokenBucket publishes;
    /** The event loop's clock, which tests can move. */
    private io.netty.util.concurrent.Ticker ticker;

    WebSocketSessionHandler(TransportContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The upgrade completed but the session is turned away (rate limit): tell the client why. */
    void refused(DisconnectReason reason) {
        connection = new WebSocketConnection(ctx.channel(), context);
        ticker = ctx.executor().ticker();
        connection.close(reason);
    }

    /** The upgrade completed; {@code token} is the one found in the request, or null. */
    void upgraded(TokenSource.Found token) {
        if (opened()) {
            if (token != null) {
                authenticate(token.token());
            } else {
                authTimer = ctx.executor().schedule(() -> refuse(AuthFailure.TIMEOUT),
                        context.settings().authTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The upgrade carried no token and the connect hook decides (docs/protocol.md §11). */
    void upgraded(ConnectRequest facts) {
        if (opened()) {
            authenticating = true;
            context.connectHook().admit(facts).whenComplete((identity, error) ->
                    connection.executor().execute(() -> authenticated(identity, error)));
        }
    }

    /** Starts the connection's heartbeat; false when the node drains and the client was sent away. */
    private boolean opened() {
        connection = new WebSocketConnection(ctx.channel(), context);
        ticker = ctx.executor().ticker();
        lastHeardNanos = ticker.nanoTime();
        long beat = context.settings().heartbeat().toNanos();
        heartbeat = ctx.executor().scheduleAtFixedRate(this::beat, beat, beat, TimeUnit.NANOSECONDS);
        if (context.drain().draining()) {
            connection.close(DisconnectReason.SHUTDOWN);
            return false;
        }
        return true;
    }

    private void authenticate(String token) {
        authenticating = true;
        context.authenticator().authenticate(token).whenComplete((identity, error) ->
                connection.executor().execute(() -> authenticated(identity, error)));
    }

    private void authenticated(ClientIdentity identity, Throwable error) {
        authenticating = false;
        if (!connection.isOpen()) {
            return;
        }
        if (error != null) {
            AuthenticationException refusal = AuthFailures.of(error);
            refuse(refusal.failure());
            return;
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        if (!connection.admit(identity)) {
            connection.close(DisconnectReason.LIMIT_REACHED);
            return;
        }
        session = new ClientSession(connection, identity, context.sessions());
        session.start();
        if (early != null) {
            early.forEach(this::dispatch);
            early = null;
        }
    }

    private void refuse(AuthFailure failure) {
        context.observer().authFailure(failure);
        connection.close(AuthFailures.closeFor(failure));
    }

    private void beat() {
        long silent = ticker.nanoTime() - lastHeardNanos;
        if (silent > 2 * context.settings().heartbeat().toNanos()) {
            connection.close(DisconnectReason.NO_PONG);
        } else {
            connection.ping();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        lastHeardNanos = ticker.nanoTime();
        if (frame instanceof TextWebSocketFrame text) {
            context.observer().messageReceived(Transport.WEBSOCKET);
            onText(text.text());
        } else if (frame instanceof PingWebSocketFrame) {
            // a ping costs a write like any command, so it counts against the same rate
            if (!commandAllowed()) {
                connection.close(DisconnectReason.RATE_LIMITED);
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        } else if (frame instanceof PongWebSocketFrame) {
            // liveness only
        } else if (frame instanceof CloseWebSocketFrame close) {
            connection.closedByPeer(close);
        } else if (frame instanceof BinaryWebSocketFrame) {
            context.observer().parseError(Transport.WEBSOCKET);
            connection.close(DisconnectReason.BINARY_FRAME);
        }
    }

    private void onText(String text) {
        if (!commandAllowed()) {
            connection.close(DisconnectReason.RATE_LIMITED);
            return;
        }
        ClientCommand command;
        try {
            command = ClientCommand.parse(text);
        } catch (ClientCommand.InvalidJson e) {
            context.observer().parseError(Transport.WEBSOCKET);
            connection.close(DisconnectReason.INVALID_JSON);
            return;
        } catch (ClientCommand.BadCommand e) {
            context.observer().parseError(Transport.WEBSOCKET);
            connection.send(new ErrorReply(e.ref(), null, ErrorCode.BAD_REQUEST, e.getMessage()));
            return;
        }
        if (session == null) {
            beforeAuthentication(command);
        } else {
            dispatch(command);
        }
    }

    private void beforeAuthentication(ClientCommand command) {
        if (authenticating) {
            // A client may pipeline commands behind a header token; keep them for after the check.
            if (early == null) {
                early = new java.util.ArrayDeque<>();
            }
            if (early.size() >= MAX_EARLY_COMMANDS) {
                connection.close(DisconnectReason.RATE_LIMITED);
            } else {
                early.add(command);
            }
        } else if ("auth".equals(command.type()) && command.token() != null) {
            authenticate(command.token());
        } else {
            refuse(AuthFailure.MISSING);
        }
    }

    private void dispatch(ClientCommand c) {
        switch (c.type()) {
            case "subscribe" -> {
                if (c.channel() == null) {
                    badRequest(c, "subscribe needs a channel");
                } else {
                    session.subscribe(c.channel(), c.since(), c.ref());
                }
            }
            case "unsubscribe" -> {
                if (c.channel() == null) {
                    badRequest(c, "unsubscribe needs a channel");
                } else {
                    session.unsubscribe(c.channel(), c.ref());
                }
            }
            case "publish" -> {
                if (c.channel() == null || c.data() == null) {
                    badRequest(c, "publish needs a channel and data");
                } else if (!publishAllowed()) {
                    connection.send(new ErrorReply(c.ref(), c.channel(), ErrorCode.RATE_LIMITED, "too many publishes; slow down"));
                } else {
                    session.publish(c.channel(), c.event(), c.data(), c.ref());
                }
            }
            case "presence" -> {
                if (c.channel() == null) {
                    badRequest(c, "presence needs a channel");
                } else {
                    session.presence(c.channel(), c.ref());
                }
            }
            case "refresh" -> {
                if (c.token() == null) {
                    badRequest(c, "refresh needs a token");
                } else {
                    session.refresh(c.token());
                }
            }
            case "pong" -> {
            }
            case "auth" -> badRequest(c, "already authenticated");
            default -> badRequest(c, "unknown message type: " + c.type());
        }
    }

    /** The command rate limit (flooding closes 4029); always true when unlimited. */
    private boolean commandAllowed() {
        AbuseLimits limits = context.limits();
        commands = madeOnFirstUse(commands, limits.commandRate(), limits.commandBurst());
        return commands == null || commands.tryTake(ticker.nanoTime());
    }

    /** The client publish rate limit; always true when unlimited. */
    private boolean publishAllowed() {
        AbuseLimits limits = context.limits();
        publishes = madeOnFirstUse(publishes, limits.publishRate(), limits.publishRate());
        return publishes == null || publishes.tryTake(ticker.nanoTime());
    }

    /** {@code bucket}, or a full new one at its first use; null when the rate is 0 (unlimited). */
    private TokenBucket madeOnFirstUse(TokenBucket bucket, double rate, double burst) {
        return bucket != null || rate <= 0 ? bucket : new TokenBucket(rate, Math.max(1, burst), ticker.nanoTime());
    }

    private void badRequest(ClientCommand c, String message) {
        context.observer().parseError(Transport.WEBSOCKET);
        connection.send(new ErrorReply(c.ref(), c.channel(), ErrorCode.BAD_REQUEST, message));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection == null) {
            ctx.close();
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            context.observer().parseError(Transport.WEBSOCKET);
            connection.close(closeFor(corrupted.closeStatus()));
        } else if (cause instanceof TooLongFrameException) {
            context.observer().parseError(Transport.WEBSOCKET);
            connection.close(DisconnectReason.TOO_LARGE);
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // The peer went away, possibly in the middle of a fragmented message: not a failure here.
            ctx.close();
        } else {
            NetworkLog.failed(log, "websocket " + connection.id() + " failed", cause);
            context.observer().sendFailure(Transport.WEBSOCKET);
            connection.close(DisconnectReason.INTERNAL);
        }
    }

    /** A frame the decoder or the UTF-8 validator refused: its RFC 6455 status where we have one. */
    private static DisconnectReason closeFor(WebSocketCloseStatus status) {
        int code = status == null ? 0 : status.code();
        if (code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            return DisconnectReason.TOO_LARGE;
        }
        if (code == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()) {
            return DisconnectReason.INVALID_JSON; // 1007: text that is not UTF-8 is no JSON either
        }
        return DisconnectReason.BAD_REQUEST;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        if (session != null) {
            session.closed();
        }
        if (connection != null) {
            connection.ended(DisconnectReason.NORMAL);
        }
        ctx.fireChannelInactive();
    }
}
