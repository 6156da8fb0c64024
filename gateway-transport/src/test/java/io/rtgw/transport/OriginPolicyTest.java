package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy policy = new OriginPolicy(Set.of("https://app.example.com"));

    @Test
    void anOriginSentInAnotherCaseIsTheSameOriginAndIsEchoedAsSent() {
        HttpRequest request = from("HTTPS://App.Example.COM");
        assertThat(policy.permits(request)).isTrue();
        assertThat(policy.corsOrigin(request)).isEqualTo("HTTPS://App.Example.COM");
    }

    @Test
    void anotherOriginIsRefusedAndGetsNoCorsAnswer() {
        HttpRequest request = from("https://app.example.com.evil.test");
        assertThat(policy.permits(request)).isFalse();
        assertThat(policy.corsOrigin(request)).isNull();
    }

    @Test
    void noOriginIsASameOriginOrNonBrowserRequest() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/sse");
        assertThat(policy.permits(request)).isTrue();
        assertThat(policy.corsOrigin(request)).isNull();
    }

    @Test
    void withoutAnAllowListTheCookieIsAcceptedOnlyFromTheRequestsOwnOrigin() {
        OriginPolicy open = new OriginPolicy(Set.of());
        java.net.InetSocketAddress peer = new java.net.InetSocketAddress("203.0.113.5", 40000);
        HttpRequest own = from("http://gw.example.com");
        own.headers().set(HttpHeaderNames.HOST, "GW.example.com:80");
        assertThat(open.acceptsCookieToken(own, peer, a -> false)).as("default port, any case").isTrue();
        HttpRequest foreign = from("https://evil.example");
        foreign.headers().set(HttpHeaderNames.HOST, "gw.example.com");
        assertThat(open.acceptsCookieToken(foreign, peer, a -> false)).isFalse();
        HttpRequest noHost = from("http://gw.example.com");
        assertThat(open.acceptsCookieToken(noHost, peer, a -> false)).isFalse();
        HttpRequest noOrigin = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
        assertThat(open.acceptsCookieToken(noOrigin, peer, a -> false)).isTrue();
        HttpRequest viaProxy = from("https://gw.example.com");
        viaProxy.headers().set(HttpHeaderNames.HOST, "10.0.0.7:8080")
                .set("X-Forwarded-Proto", "https").set("X-Forwarded-Host", "gw.example.com, inner.local");
        assertThat(open.acceptsCookieToken(viaProxy, peer, a -> true)).isTrue();
        assertThat(open.acceptsCookieToken(viaProxy, peer, a -> false)).as("untrusted forwarding headers").isFalse();
        assertThat(policy.acceptsCookieToken(from("https://app.example.com"), peer, a -> false))
                .as("with an allow-list, permits() decides").isTrue();
    }

    private static HttpRequest from(String origin) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/sse");
        request.headers().set(HttpHeaderNames.ORIGIN, origin);
        return request;
    }
}
