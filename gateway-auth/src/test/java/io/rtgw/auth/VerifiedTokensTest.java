package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A remembered verdict saves work but never extends a token's life. */
class VerifiedTokensTest {
    private final MutableClock clock = new MutableClock(TestTokens.NOW);

    private JwtAuthenticator authenticator() {
        return new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(TestTokens.SECRET)
                .skew(Duration.ofSeconds(30)).clock(clock).build());
    }

    private static String token(long expSecondsFromNow) {
        return TestTokens.hs256(new JWTClaimsSet.Builder().subject("alice").claim("tenant", "acme")
                .expirationTime(Date.from(TestTokens.NOW.plusSeconds(expSecondsFromNow))).build());
    }

    private static AuthFailure failure(JwtAuthenticator a, String token) {
        try {
            a.authenticate(token).join();
            return null;
        } catch (CompletionException e) {
            return ((AuthenticationException) e.getCause()).failure();
        }
    }

    @Test
    void aRepeatedTokenIsAcceptedUntilExpPlusSkewAndRefusedAsExpiredAfter() {
        try (JwtAuthenticator a = authenticator()) {
            String t = token(60);
            ClientIdentity first = a.authenticate(t).join();
            assertThat(a.authenticate(t).join()).isEqualTo(first);
            clock.advance(Duration.ofSeconds(89));
            assertThat(a.authenticate(t).join().user()).isEqualTo("alice");
            clock.advance(Duration.ofSeconds(1)); // exactly exp + skew: no longer valid
            assertThat(failure(a, t)).isEqualTo(AuthFailure.EXPIRED);
        }
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        try (JwtAuthenticator a = authenticator()) {
            String t = token(60);
            String tampered = t.substring(0, t.length() - 2) + (t.endsWith("A") ? "BB" : "AA");
            assertThat(failure(a, tampered)).isEqualTo(AuthFailure.INVALID);
            assertThat(failure(a, tampered)).isEqualTo(AuthFailure.INVALID);
        }
    }

    @Test
    void theCacheStaysBounded() {
        VerifiedTokens cache = new VerifiedTokens(clock, Duration.ZERO);
        ClientIdentity id = new ClientIdentity("u", "t", 0, java.util.List.of(), java.util.List.of());
        for (int i = 0; i < VerifiedTokens.MAX_ENTRIES + 10; i++) {
            cache.put("token-" + i, id);
        }
        assertThat(cache.get("token-" + (VerifiedTokens.MAX_ENTRIES + 9))).isEqualTo(id);
        assertThat(cache.get("token-0")).isNull();
    }
}
