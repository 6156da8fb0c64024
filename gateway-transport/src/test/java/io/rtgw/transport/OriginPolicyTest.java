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

    private static HttpRequest from(String origin) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/sse");
        request.headers().set(HttpHeaderNames.ORIGIN, origin);
        return request;
    }
}
