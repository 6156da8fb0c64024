package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The connect hook's answer (docs/protocol.md §11) is checked as token claims are: what makes a
 * token invalid makes an answer invalid, and the identity is the one a token would give. An
 * answer has no issuer or audience, so those settings do not apply to it.
 */
class ConnectAnswersTest {
    private final ConnectAnswers answers = new ConnectAnswers(JwtVerifierSettings.builder().noKeys()
            .requiredIssuer("https://id.example").requiredAudience("rtgw").clock(TestTokens.FIXED).build());

    @Test
    void aFullAnswerIsAnIdentityIssuedNow() throws Exception {
        long exp = TestTokens.NOW.getEpochSecond() + 3600;
        ClientIdentity id = answers.identity("{\"user\":\"alice\",\"tenant\":\"acme\",\"channels\":[\"room:*\"],"
                + "\"publish\":[\"room:1\"],\"info\":{\"name\":\"Alice\"},\"expiresAt\":" + exp + ",\"other\":1}");
        assertThat(id.user()).isEqualTo("alice");
        assertThat(id.tenant()).isEqualTo("acme");
        assertThat(id.maySubscribe("room:9")).isTrue();
        assertThat(id.mayPublish("room:1")).isTrue();
        assertThat(id.mayPublish("room:2")).isFalse();
        assertThat(id.info()).isEqualTo("{\"name\":\"Alice\"}");
        assertThat(id.expiresAt()).isEqualTo(exp);
        assertThat(id.issuedAt()).isEqualTo(TestTokens.NOW.getEpochSecond());
        assertThat(answers.identity("{\"user\":\"bob\",\"tenant\":\"acme\"}").expires()).isFalse();
    }

    @Test
    void whatMakesATokenInvalidMakesAnAnswerInvalid() {
        for (String bad : new String[] {"", "[]", "{\"tenant\":\"acme\"}", "{\"user\":\"\",\"tenant\":\"acme\"}",
                "{\"user\":\"a\"}", "{\"user\":\"a\",\"tenant\":\"a b\"}", "{\"user\":\"a\",\"tenant\":\"acme\",\"publish\":[1]}",
                "{\"user\":\"a\",\"tenant\":\"acme\",\"channels\":[\"a*b\"]}", "{\"user\":\"a\",\"tenant\":\"acme\",\"info\":[1]}"}) {
            assertThatThrownBy(() -> answers.identity(bad)).as(bad).isInstanceOfSatisfying(AuthenticationException.class,
                    e -> assertThat(e.failure()).isEqualTo(AuthFailure.INVALID));
        }
        assertThatThrownBy(() -> answers.identity("{\"user\":\"a\",\"tenant\":\"acme\",\"expiresAt\":1}"))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                    assertThat(e.failure()).isEqualTo(AuthFailure.EXPIRED);
                    assertThat(e.getMessage()).contains("expiresAt");
                });
        assertThatThrownBy(() -> answers.identity("{\"user\":7,\"tenant\":\"acme\"}"))
                .hasMessageContaining("'user'");
    }
}
