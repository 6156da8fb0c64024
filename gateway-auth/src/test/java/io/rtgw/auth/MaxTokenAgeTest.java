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

/**
 * The maximum token age (RTGW_MAX_TOKEN_AGE, docs/protocol.md §7): a token issued longer ago is
 * refused as expired whatever its exp, which is what lets a user revocation expire; iat and jti
 * reach the identity, where the revocation set reads them.
 */
class MaxTokenAgeTest {
    private static final Duration SKEW = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock(TestTokens.NOW);

    private JwtAuthenticator authenticator(Duration maxAge) {
        JwtVerifierSettings.Builder b = JwtVerifierSettings.builder().hmacSecret(TestTokens.SECRET).skew(SKEW).clock(clock);
        if (maxAge != null) {
            b.maxTokenAge(maxAge);
        }
        return new JwtAuthenticator(b.build());
    }

    /** Issued {@code ageSeconds} ago, valid for a week. */
    private static JWTClaimsSet.Builder issuedAgo(long ageSeconds) {
        return new JWTClaimsSet.Builder().subject("alice").claim("tenant", "acme")
                .issueTime(Date.from(TestTokens.NOW.minusSeconds(ageSeconds)))
                .expirationTime(Date.from(TestTokens.NOW.plus(Duration.ofDays(7))));
    }

    private static AuthenticationException refusal(JwtAuthenticator a, String token) {
        try {
            a.authenticate(token).join();
            return null;
        } catch (CompletionException e) {
            return (AuthenticationException) e.getCause();
        }
    }

    @Test
    void theDefaultAgeIs24HoursAndAnOlderTokenIsRefusedAsExpiredWhateverItsExp() {
        assertThat(JwtVerifierSettings.builder().hmacSecret(TestTokens.SECRET).build().maxTokenAge())
                .isEqualTo(Duration.ofHours(24));
        try (JwtAuthenticator a = authenticator(null)) {
            // the skew applies to iat as to exp
            assertThat(a.authenticate(TestTokens.hs256(issuedAgo(86_400 + 29).build())).join().user()).isEqualTo("alice");
            AuthenticationException old = refusal(a, TestTokens.hs256(issuedAgo(86_400 + 30).build()));
            assertThat(old).isNotNull();
            assertThat(old.failure()).isEqualTo(AuthFailure.EXPIRED);
            assertThat(old.getMessage()).contains("iat");
        }
    }

    @Test
    void aZeroAgeTurnsTheLimitOffAndATokenWithoutIatIsNotLimited() {
        try (JwtAuthenticator a = authenticator(Duration.ZERO)) {
            assertThat(a.authenticate(TestTokens.hs256(issuedAgo(Duration.ofDays(365).toSeconds()).build())).join().user())
                    .isEqualTo("alice");
        }
        try (JwtAuthenticator a = authenticator(Duration.ofMinutes(1))) {
            ClientIdentity noIat = a.authenticate(TestTokens.hs256(new JWTClaimsSet.Builder().subject("alice")
                    .claim("tenant", "acme").expirationTime(Date.from(TestTokens.NOW.plusSeconds(600))).build())).join();
            assertThat(noIat.issuedAt()).isZero();
        }
    }

    @Test
    void iatAndJtiReachTheIdentityAndABadJtiIsRefused() {
        try (JwtAuthenticator a = authenticator(Duration.ofHours(1))) {
            ClientIdentity id = a.authenticate(TestTokens.hs256(issuedAgo(10).jwtID("token-1").build())).join();
            assertThat(id.issuedAt()).isEqualTo(TestTokens.NOW.getEpochSecond() - 10);
            assertThat(id.tokenId()).isEqualTo("token-1");
            assertThat(a.authenticate(TestTokens.hs256(issuedAgo(10).build())).join().tokenId()).isNull();
            for (Object bad : new Object[] {"", "x".repeat(257), 42}) {
                AuthenticationException r = refusal(a, TestTokens.hs256(issuedAgo(10).claim("jti", bad).build()));
                assertThat(r).as("jti " + bad).isNotNull();
                assertThat(r.failure()).isEqualTo(AuthFailure.INVALID);
            }
            assertThat(a.authenticate(TestTokens.hs256(issuedAgo(10).jwtID("x".repeat(256)).build())).join().tokenId())
                    .hasSize(256);
        }
    }

    @Test
    void aRememberedVerdictIsDroppedOnceTheTokenIsTooOld() {
        try (JwtAuthenticator a = authenticator(Duration.ofMinutes(10))) {
            String t = TestTokens.hs256(issuedAgo(0).build());
            ClientIdentity first = a.authenticate(t).join();
            assertThat(a.authenticate(t).join()).as("remembered").isSameAs(first);
            clock.advance(Duration.ofMinutes(10).plus(SKEW).minusSeconds(1));
            assertThat(a.authenticate(t).join()).isSameAs(first);
            clock.advance(Duration.ofSeconds(1)); // exactly iat + age + skew: too old, although exp is days away
            AuthenticationException r = refusal(a, t);
            assertThat(r).isNotNull();
            assertThat(r.failure()).isEqualTo(AuthFailure.EXPIRED);
        }
    }
}
