package io.rtgw.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.rtgw.bench.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecTest {
    @Test
    void withATokenFileClientGIsUserGModTheNumberOfTokens(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "t0\nt1\nt2\n");
        Spec spec = new Spec(Options.parse("--token-file", file.toString()));
        assertThat(spec.token(1)).isEqualTo("t1");
        assertThat(spec.token(5)).isEqualTo("t2");
    }

    @Test
    void withoutOneEveryClientPresentsTheSameToken() {
        Spec spec = new Spec(Options.parse("--token", "abc"));
        assertThat(spec.token(0)).isEqualTo("abc").isEqualTo(spec.token(12345));
    }

    @Test
    void withACookieFileClientsSendTheirUsersSessionCookieAndNoBearerToken(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cookies.txt");
        Files.writeString(file, "sid=a\nsid=b\n");
        Spec spec = new Spec(Options.parse("--cookie-file", file.toString()));
        HttpHeaders headers = new DefaultHttpHeaders();
        spec.credentials(3, headers);
        assertThat(headers.get("Cookie")).isEqualTo("sid=b");
        assertThat(headers.contains("Authorization")).isFalse();
    }

    @Test
    void theHookAppFindsTheSessionAmongOtherCookies() {
        assertThat(ConnectHookApp.session("theme=dark; sid=abc; lang=en")).isEqualTo("abc");
        assertThat(ConnectHookApp.session("sidx=1")).isNull();
        assertThat(ConnectHookApp.session(null)).isNull();
    }

    @Test
    void withOneUrlPerNodeEveryChannelHasSubscribersOnEveryNode() {
        Spec spec = new Spec(Options.parse("--ws-url", "ws://a/{channel},ws://b/{channel}", "--channels", "100",
                "--channel-prefix", "c"));
        // client g listens to channel g mod 100: clients 5 and 105 share channel 5 but not a node
        assertThat(spec.uri(spec.wsUrl, 5, 5)).hasToString("ws://a/c5");
        assertThat(spec.uri(spec.wsUrl, 105, 5)).hasToString("ws://b/c5");
        assertThat(spec.uri(spec.wsUrl, 205, 5)).hasToString("ws://a/c5");
        Spec one = new Spec(Options.parse("--ws-url", "ws://a/{channel}", "--channel-prefix", "c"));
        assertThat(one.uri(one.wsUrl, 7, 0)).hasToString("ws://a/c0");
    }
}
