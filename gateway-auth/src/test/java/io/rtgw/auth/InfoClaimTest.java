package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The token's {@code info} claim (docs/protocol.md §3, §9): an object of at most 1 KiB reaches the
 * identity as compact JSON; anything else makes the token invalid, like any other bad claim.
 */
class InfoClaimTest {
    private final JwtAuthenticator authenticator = new JwtAuthenticator(JwtVerifierSettings.builder()
            .hmacSecret(TestTokens.SECRET).clock(TestTokens.FIXED).build());

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").claim("tenant", "acme")
                .expirationTime(Date.from(TestTokens.NOW.plus(Duration.ofHours(1))));
    }

    private AuthenticationException refusal(Object info) {
        try {
            authenticator.authenticate(TestTokens.hs256(claims().claim("info", info).build())).join();
            return null;
        } catch (CompletionException e) {
            return (AuthenticationException) e.getCause();
        }
    }

    @Test
    void anObjectReachesTheIdentityAsCompactJson() throws Exception {
        ClientIdentity id = authenticator.authenticate(TestTokens.hs256(claims()
                .claim("info", Map.of("name", "Alice \"A\"\nB", "avatar", List.of(1, 2))).build())).join();
        assertThat(id.info()).doesNotContain("\n").doesNotContain(": ").doesNotContain(", ");
        Map<String, Object> back = JSONObjectUtils.parse(id.info());
        assertThat(back.get("name")).isEqualTo("Alice \"A\"\nB");
        assertThat(back.get("avatar")).asList().hasSize(2);
    }

    @Test
    void aTokenWithoutInfoHasNone() {
        assertThat(authenticator.authenticate(TestTokens.hs256(claims().build())).join().info()).isNull();
    }

    @Test
    void notAnObjectOrOver1KiBIsAnInvalidToken() {
        for (Object bad : new Object[] {"Alice", 42, List.of("a"), true, Map.of("bio", "x".repeat(1020))}) {
            AuthenticationException r = refusal(bad);
            assertThat(r).as("info " + bad).isNotNull();
            assertThat(r.failure()).isEqualTo(AuthFailure.INVALID);
            assertThat(r.getMessage()).contains("info");
        }
        // {"bio":"…"} is 10 bytes around the text: 1014 characters make exactly 1024 bytes
        assertThat(refusal(Map.of("bio", "x".repeat(1014)))).isNull();
        assertThat(refusal(Map.of("bio", "x".repeat(1015)))).isNotNull();
    }
}
