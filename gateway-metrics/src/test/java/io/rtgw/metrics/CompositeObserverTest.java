package io.rtgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeObserverTest {

    /** Writes "name:argument" per hook into a shared log, so order across observers shows. */
    static final class Recorder implements GatewayObserver {
        final String id;
        final List<String> log;

        Recorder(String id, List<String> log) {
            this.id = id;
            this.log = log;
        }

        private void add(String event) {
            log.add(id + " " + event);
        }

        @Override public void connectionOpened(Transport t) { add("opened " + t); }
        @Override public void connectionClosed(Transport t, ClientIdentity i, DisconnectReason r, long d, long m) {
            add("closed " + t + " " + r + " " + d + " " + m);
        }
        @Override public void published(String s) { add("published " + s); }
        @Override public void delivered(Transport t, Publication p) { add("delivered " + t + " " + p.event()); }
        @Override public void messageReceived(Transport t) { add("received " + t); }
        @Override public void replayed(int n) { add("replayed " + n); }
        @Override public void gap() { add("gap"); }
        @Override public void authFailure(AuthFailure f) { add("auth " + f); }
        @Override public void parseError(Transport t) { add("parse " + t); }
        @Override public void sendFailure(Transport t) { add("send " + t); }
        @Override public void subscriptionsChanged(int d) { add("subs " + d); }
        @Override public void brokerState(boolean up) { add("broker " + up); }
    }

    @Test
    void collapsesTrivialCases() {
        GatewayObserver one = new Recorder("a", new ArrayList<>());
        assertThat(CompositeObserver.of()).isSameAs(GatewayObserver.NOOP);
        assertThat(CompositeObserver.of(GatewayObserver.NOOP, GatewayObserver.NOOP)).isSameAs(GatewayObserver.NOOP);
        assertThat(CompositeObserver.of(one)).isSameAs(one);
        assertThat(CompositeObserver.of(GatewayObserver.NOOP, one)).isSameAs(one);
        assertThatThrownBy(() -> CompositeObserver.of(one, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void everyHookReachesEveryObserverInOrder() {
        List<String> log = new ArrayList<>();
        GatewayObserver inner = CompositeObserver.of(new Recorder("a", log), new Recorder("b", log));
        GatewayObserver all = CompositeObserver.of(inner, GatewayObserver.NOOP, new Recorder("c", log));

        all.connectionOpened(Transport.SSE);
        all.connectionClosed(Transport.SSE, null, DisconnectReason.LIFETIME, 5, 6);
        all.published("api");
        all.delivered(Transport.WEBSOCKET, MicrometerObserverTest.publication("acme", 0));
        all.messageReceived(Transport.LONG_POLL);
        all.replayed(4);
        all.gap();
        all.authFailure(AuthFailure.MISSING);
        all.parseError(Transport.WEBSOCKET);
        all.sendFailure(Transport.SSE);
        all.subscriptionsChanged(-1);
        all.brokerState(false);

        List<String> expected = new ArrayList<>();
        for (String event : List.of("opened SSE", "closed SSE LIFETIME 5 6", "published api",
                "delivered WEBSOCKET message", "received LONG_POLL", "replayed 4", "gap", "auth MISSING",
                "parse WEBSOCKET", "send SSE", "subs -1", "broker false")) {
            for (String id : List.of("a", "b", "c")) {
                expected.add(id + " " + event);
            }
        }
        assertThat(log).containsExactlyElementsOf(expected);
    }
}
