package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket session handler on an EmbeddedChannel, with its clock moved by hand. */
class WebSocketSessionHandlerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final RecordingObserver observer = new RecordingObserver();
    private EmbeddedChannel channel;

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private EmbeddedChannel open(String token) throws Exception {
        InMemoryBroker broker = new InMemoryBroker(HistoryPolicies.uniform(HistoryPolicy.DEFAULT));
        Hub hub = new Hub(broker, timer, Duration.ofSeconds(1), observer);
        broker.start(hub).get();
        TransportSettings settings = TransportSettings.defaults("127.0.0.1", 0).withHeartbeat(Duration.ofSeconds(5));
        TransportContext context = TransportContext.of(new SessionContext(hub, broker, new TestAuthenticator(), observer,
                SessionSettings.DEFAULTS), settings);
        WebSocketSessionHandler handler = new WebSocketSessionHandler(context);
        channel = new EmbeddedChannel(handler);
        channel.freezeTime();
        handler.upgraded(token == null ? null
                : new TokenSource.Found(TokenSource.Kind.HEADER, token));
        channel.runPendingTasks();
        return channel;
    }

    /** Every text frame written so far, as strings (releasing the frames). */
    private List<String> written() {
        List<String> out = new ArrayList<>();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            if (m instanceof TextWebSocketFrame t) {
                out.add(t.text());
            } else if (m instanceof CloseWebSocketFrame c) {
                out.add("close " + c.statusCode() + " " + c.reasonText());
            } else if (m instanceof PingWebSocketFrame) {
                out.add("protocol-ping");
            }
            ReferenceCountUtil.release(m);
        }
        return out;
    }

    private void tick(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private void finish() {
        written();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pingsEveryHeartbeatAndClosesAPeerSilentForTwoIntervals() throws Exception {
        open(TestAuthenticator.token("alice", "acme"));
        assertThat(written()).anyMatch(s -> s.contains("\"type\":\"welcome\""));
        tick(5);
        assertThat(written()).containsExactly("{\"type\":\"ping\"}", "protocol-ping");
        channel.writeInbound(new PongWebSocketFrame());
        tick(5);
        assertThat(written()).containsExactly("{\"type\":\"ping\"}", "protocol-ping");
        tick(5);
        written();
        tick(5);
        assertThat(written()).containsExactly("close 4002 no_pong");
        tick(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(observer.closes).containsExactly(DisconnectReason.NO_PONG);
        finish();
    }

    @Test
    void aPongMessageCountsAsLife() throws Exception {
        open(TestAuthenticator.token("alice", "acme"));
        for (int i = 0; i < 5; i++) {
            tick(5);
            channel.writeInbound(new TextWebSocketFrame("{\"type\":\"pong\"}"));
        }
        assertThat(written()).noneMatch(s -> s.startsWith("close"));
        assertThat(channel.isOpen()).isTrue();
        finish();
    }

    @Test
    void binaryFramesAndInvalidJsonCloseWithTheirCodes() throws Exception {
        open(TestAuthenticator.token("alice", "acme"));
        written();
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(written()).containsExactly("close 1003 bad_request");
        finish();
        open(TestAuthenticator.token("alice", "acme"));
        written();
        channel.writeInbound(new TextWebSocketFrame("{oops"));
        assertThat(written()).containsExactly("close 1007 invalid_json");
        assertThat(observer.parseErrors.get()).isEqualTo(2);
        finish();
    }

    @Test
    void refusedCommandsAreAnsweredWithTheirRefChannelAndWhetherToRetry() throws Exception {
        open(TestAuthenticator.token("alice", "acme", "room:*"));
        written();
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"subscribe\",\"channel\":\"bad name\",\"ref\":\"s1\"}"));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"unsubscribe\",\"channel\":\"room:1\",\"ref\":\"u1\"}"));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"subscribe\",\"ref\":\"s2\"}"));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"subscribe\",\"channel\":\"room:1\",\"ref\":7}"));
        channel.runPendingTasks();
        assertThat(written()).filteredOn(s -> s.contains("\"type\":\"error\"")).containsExactly(
                "{\"type\":\"error\",\"ref\":\"s1\",\"channel\":\"bad name\",\"code\":\"bad_request\","
                        + "\"message\":\"" + io.rtgw.core.ChannelName.nameProblem("bad name") + "\",\"temporary\":false}",
                "{\"type\":\"error\",\"ref\":\"u1\",\"channel\":\"room:1\",\"code\":\"bad_request\","
                        + "\"message\":\"not subscribed to room:1\",\"temporary\":false}",
                "{\"type\":\"error\",\"ref\":\"s2\",\"code\":\"bad_request\","
                        + "\"message\":\"subscribe needs a channel\",\"temporary\":false}");
        finish();
    }

    @Test
    void withoutATokenTheFirstMessageMustAuthenticateBeforeTheTimeout() throws Exception {
        open(null);
        assertThat(written()).isEmpty();
        tick(5);
        assertThat(written()).contains("close 4401 unauthorized");
        assertThat(observer.authFailures).containsExactly(AuthFailure.TIMEOUT);
        finish();
    }

    @Test
    void aProtocolPingIsAnsweredWithItsPayload() throws Exception {
        open(TestAuthenticator.token("alice", "acme"));
        written();
        channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})));
        Object pong = channel.readOutbound();
        assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
        assertThat(((PongWebSocketFrame) pong).content().getByte(0)).isEqualTo((byte) 7);
        ReferenceCountUtil.release(pong);
        finish();
    }

    @Test
    void aPeerCloseIsAnsweredAndCountedAsNormal() throws Exception {
        open(TestAuthenticator.token("alice", "acme"));
        written();
        channel.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        assertThat(written()).containsExactly("close 1000 ");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(observer.closes).containsExactly(DisconnectReason.NORMAL);
        finish();
    }
}
