package io.rtgw.auth;

import static io.rtgw.auth.TestTokens.NOW;
import static io.rtgw.auth.TestTokens.SECRET;
import static io.rtgw.auth.TestTokens.claims;
import static io.rtgw.auth.TestTokens.hs256;
import static io.rtgw.auth.TestTokens.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtAuthenticatorTest {
    private static final JwtAuthenticator AUTH = new JwtAuthenticator(JwtVerifierSettings.builder()
            .hmacSecret(SECRET).clock(TestTokens.FIXED).build());

    static ClientIdentity ok(JwtAuthenticator auth, String token) {
        CompletableFuture<ClientIdentity> f = auth.authenticate(token);
        return f.join();
    }

    /** The refusal, unwrapped; the future must fail with the AuthenticationException itself. */
    static AuthenticationException refusal(JwtAuthenticator auth, String token) {
        CompletableFuture<ClientIdentity> f = auth.authenticate(token);
        Throwable[] seen = new Throwable[1];
        f.handle((v, e) -> seen[0] = e).join();
        assertThat(seen[0]).as("token should be refused").isInstanceOf(AuthenticationException.class);
        return (AuthenticationException) seen[0];
    }

    @Test
    void validTokenGivesTheIdentity() {
        String token = hs256(claims()
                .claim("channels", List.of("room:42", "dashboard:*"))
                .claim("publish", List.of("room:42"))
                .build());
        ClientIdentity id = ok(AUTH, token);
        assertThat(id.user()).isEqualTo("alice");
        assertThat(id.tenant()).isEqualTo("acme");
        assertThat(id.expiresAt()).isEqualTo(NOW.getEpochSecond() + 3600);
        assertThat(id.subscribable()).containsExactly(ChannelPattern.parse("room:42"), ChannelPattern.parse("dashboard:*"));
        assertThat(id.publishable()).containsExactly(ChannelPattern.parse("room:42"));
        assertThat(id.maySubscribe("dashboard:7")).isTrue();
        assertThat(id.mayPublish("room:43")).isFalse();
    }

    @Test
    void absentGrantsMeanNoGrants() {
        ClientIdentity id = ok(AUTH, hs256(claims().build()));
        assertThat(id.subscribable()).isEmpty();
        assertThat(id.publishable()).isEmpty();
    }

    @Test
    void hs384AndHs512WorkWithAThirtyTwoByteSecret() {
        byte[] secret32 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(secret32).clock(TestTokens.FIXED).build());
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            assertThat(ok(auth, TestTokens.hmac(alg, secret32, claims().build())).user()).isEqualTo("alice");
        }
    }

    @Test
    void devTokensAreAccepted() {
        String secret = DevTokens.randomSecret();
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(secret).clock(TestTokens.FIXED).build());
        String token = DevTokens.hs256(secret, "dev", "demo", List.of("room:*"), List.of("room:1"),
                Duration.ofHours(1), TestTokens.FIXED);
        ClientIdentity id = ok(auth, token);
        assertThat(id.user()).isEqualTo("dev");
        assertThat(id.tenant()).isEqualTo("demo");
        assertThat(id.expiresAt()).isEqualTo(NOW.getEpochSecond() + 3600);
        assertThat(id.subscribable()).containsExactly(ChannelPattern.parse("room:*"));
        assertThat(id.publishable()).containsExactly(ChannelPattern.parse("room:1"));
    }

    @Test
    void devTokensWithoutTenantOrExpSuitSingleTenantMode() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(SECRET)
                .singleTenant("main").expRequired(false).clock(TestTokens.FIXED).build());
        ClientIdentity id = ok(auth, DevTokens.hs256(SECRET, "bob", null, List.of(), List.of(), null, TestTokens.FIXED));
        assertThat(id.tenant()).isEqualTo("main");
        assertThat(id.expiresAt()).isZero();
        assertThatThrownBy(() -> DevTokens.hs256("short", "bob", "t", List.of(), List.of(), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RTGW_JWT_SECRET");
    }

    @Test
    void singleTenantModeFillsAMissingTenantButKeepsAGivenOne() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(SECRET).singleTenant("main").clock(TestTokens.FIXED).build());
        assertThat(ok(auth, hs256(claims().claim("tenant", null).build())).tenant()).isEqualTo("main");
        assertThat(ok(auth, hs256(claims().build())).tenant()).isEqualTo("acme");
        assertThat(refusal(auth, hs256(claims().claim("tenant", "a b").build())).failure())
                .isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void tenantClaimNameIsConfigurable() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(SECRET).tenantClaim("org").clock(TestTokens.FIXED).build());
        assertThat(ok(auth, hs256(claims().claim("org", "globex").build())).tenant()).isEqualTo("globex");
        assertThat(refusal(auth, hs256(claims().build())).getMessage()).contains("org");
    }

    @Test
    void expCanBeMadeOptional() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(SECRET).expRequired(false).clock(TestTokens.FIXED).build());
        ClientIdentity id = ok(auth, hs256(claims().expirationTime(null).build()));
        assertThat(id.expiresAt()).isZero();
        assertThat(id.expires()).isFalse();
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(SECRET)
                .requiredIssuer("https://app.example").requiredAudience("rtgw").clock(TestTokens.FIXED).build());
        JWTClaimsSet.Builder good = claims().issuer("https://app.example").audience(List.of("other", "rtgw"));
        assertThat(ok(auth, hs256(good.build())).user()).isEqualTo("alice");
        assertThat(ok(auth, hs256(claims().issuer("https://app.example").audience("rtgw").build())).user())
                .isEqualTo("alice");
        for (JWTClaimsSet bad : List.of(
                claims().issuer("https://evil.example").audience("rtgw").build(),
                claims().audience("rtgw").build(),
                claims().issuer("https://app.example").audience("other").build(),
                claims().issuer("https://app.example").build())) {
            AuthenticationException e = refusal(auth, hs256(bad));
            assertThat(e.failure()).isEqualTo(AuthFailure.INVALID);
            assertThat(e.getMessage()).containsAnyOf("issuer", "audience");
        }
    }

    @Test
    void aNumericSubIsReadAsItsDecimalString() {
        // Nimbus normalises a numeric sub to a string; ids from integer primary keys are common.
        assertThat(ok(AUTH, hs256(claims().claim("sub", 42).build())).user()).isEqualTo("42");
    }

    @Test
    void skewReportedForTheCaller() {
        assertThat(AUTH.skew()).isEqualTo(Duration.ofSeconds(30));
    }

    static Stream<Arguments> badTokens() {
        String good = hs256(claims().build());
        List<String> p = TestTokens.parts(good);
        String otherPayload = TestTokens.parts(hs256(claims().claim("tenant", "globex").build())).get(1);
        char last = p.get(2).charAt(p.get(2).length() - 1);
        String flippedSignature = p.get(2).substring(0, p.get(2).length() - 1) + (last == 'A' ? 'B' : 'A');
        String validPayloadJson = claims().build().toString();
        return Stream.of(
                arguments("null", null, AuthFailure.MISSING),
                arguments("empty", "", AuthFailure.MISSING),
                arguments("blank", "   ", AuthFailure.MISSING),
                arguments("oversized", "x".repeat(8 * 1024 + 1), AuthFailure.OVERSIZED),
                arguments("oversized but well formed", hs256(claims().claim("pad", "p".repeat(9000)).build()),
                        AuthFailure.OVERSIZED),
                arguments("over 8 KiB in UTF-8 bytes", "\u00e9".repeat(5000), AuthFailure.OVERSIZED),
                arguments("not a JWT", "hello", AuthFailure.INVALID),
                arguments("non-ASCII under the limit", "\u00e9.\u00e9.\u00e9", AuthFailure.INVALID),
                arguments("two parts", p.get(0) + "." + p.get(1), AuthFailure.INVALID),
                arguments("alg none", raw("{\"alg\":\"none\"}", validPayloadJson, ""), AuthFailure.INVALID),
                arguments("alg None", raw("{\"alg\":\"None\"}", validPayloadJson, p.get(2)), AuthFailure.INVALID),
                arguments("alg RS512 unsupported", raw("{\"alg\":\"RS512\"}", validPayloadJson, p.get(2)),
                        AuthFailure.INVALID),
                arguments("payload swapped (tampered)", p.get(0) + "." + otherPayload + "." + p.get(2),
                        AuthFailure.INVALID),
                arguments("signature flipped", p.get(0) + "." + p.get(1) + "." + flippedSignature, AuthFailure.INVALID),
                arguments("signature stripped", p.get(0) + "." + p.get(1) + ".", AuthFailure.INVALID),
                arguments("wrong secret", TestTokens.hmac(JWSAlgorithm.HS256,
                        "another-secret-0123456789-abcdefghij".getBytes(StandardCharsets.UTF_8), claims().build()),
                        AuthFailure.INVALID),
                arguments("critical header", TestTokens.hmac(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8),
                        claims().build()).replaceFirst("^[^.]+", TestTokens.b64("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}")),
                        AuthFailure.INVALID),
                arguments("payload not JSON", signedRaw("not json"), AuthFailure.INVALID),
                arguments("expired", hs256(claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()),
                        AuthFailure.EXPIRED),
                arguments("exp not a number", signedRaw("{\"sub\":\"alice\",\"tenant\":\"acme\",\"exp\":\"soon\"}"),
                        AuthFailure.INVALID),
                arguments("no exp", hs256(claims().expirationTime(null).build()), AuthFailure.INVALID),
                arguments("nbf in the future", hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build()),
                        AuthFailure.INVALID),
                arguments("iat in the future", hs256(claims().issueTime(Date.from(NOW.plusSeconds(31))).build()),
                        AuthFailure.INVALID),
                arguments("no sub", hs256(claims().subject(null).build()), AuthFailure.INVALID),
                arguments("empty sub", hs256(claims().subject("").build()), AuthFailure.INVALID),
                arguments("blank sub", hs256(claims().subject("  ").build()), AuthFailure.INVALID),
                arguments("no tenant", hs256(claims().claim("tenant", null).build()), AuthFailure.INVALID),
                arguments("empty tenant", hs256(claims().claim("tenant", "").build()), AuthFailure.INVALID),
                arguments("tenant with space", hs256(claims().claim("tenant", "ac me").build()), AuthFailure.INVALID),
                arguments("tenant with colon", hs256(claims().claim("tenant", "acme:x").build()), AuthFailure.INVALID),
                arguments("tenant with brace", hs256(claims().claim("tenant", "acme}").build()), AuthFailure.INVALID),
                arguments("tenant of 65 chars", hs256(claims().claim("tenant", "t".repeat(65)).build()), AuthFailure.INVALID),
                arguments("numeric tenant", hs256(claims().claim("tenant", 7).build()), AuthFailure.INVALID),
                arguments("channels a string", hs256(claims().claim("channels", "room:1").build()), AuthFailure.INVALID),
                arguments("channels with a number", hs256(claims().claim("channels", List.of("room:1", 2)).build()),
                        AuthFailure.INVALID),
                arguments("channels with a bad name", hs256(claims().claim("channels", List.of("room 1")).build()),
                        AuthFailure.INVALID),
                arguments("channels with inner star", hs256(claims().claim("channels", List.of("a*b")).build()),
                        AuthFailure.INVALID),
                arguments("channels with empty pattern", hs256(claims().claim("channels", List.of("")).build()),
                        AuthFailure.INVALID),
                arguments("publish an object", hs256(claims().claim("publish", java.util.Map.of("a", "b")).build()),
                        AuthFailure.INVALID),
                arguments("publish double star", hs256(claims().claim("publish", List.of("**")).build()),
                        AuthFailure.INVALID));
    }

    /** A correctly HS256-signed token whose payload is the given text, JSON or not. */
    private static String signedRaw(String payload) {
        String input = TestTokens.b64("{\"alg\":\"HS256\"}") + "." + TestTokens.b64(payload);
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + com.nimbusds.jose.util.Base64URL.encode(
                    mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokensAreRefusedWithTheRightReason(String name, String token, AuthFailure expected) {
        AuthenticationException e = refusal(AUTH, token);
        assertThat(e.failure()).isEqualTo(expected);
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(120);
        if (token != null && token.length() > 8) {
            for (String part : TestTokens.parts(token)) {
                if (part.length() > 8) {
                    assertThat(e.getMessage()).doesNotContain(part);
                }
            }
        }
    }

    @Test
    void theFutureFailsWithTheExceptionItselfNotAWrapper() {
        CompletableFuture<ClientIdentity> f = AUTH.authenticate("");
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(AuthenticationException.class);
    }

    static Stream<Arguments> skewBoundaries() {
        return Stream.of(
                arguments("exp 29 s ago", claims().expirationTime(Date.from(NOW.minusSeconds(29))), null),
                arguments("exp 30 s ago (exp + skew reached)", claims().expirationTime(Date.from(NOW.minusSeconds(30))),
                        AuthFailure.EXPIRED),
                arguments("exp now", claims().expirationTime(Date.from(NOW)), null),
                arguments("nbf 30 s ahead", claims().notBeforeTime(Date.from(NOW.plusSeconds(30))), null),
                arguments("nbf 31 s ahead", claims().notBeforeTime(Date.from(NOW.plusSeconds(31))), AuthFailure.INVALID),
                arguments("iat 30 s ahead", claims().issueTime(Date.from(NOW.plusSeconds(30))), null),
                arguments("iat 31 s ahead", claims().issueTime(Date.from(NOW.plusSeconds(31))), AuthFailure.INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("skewBoundaries")
    void oneSkewForExpNbfAndIat(String name, JWTClaimsSet.Builder claims, AuthFailure expected) {
        String token = hs256(claims.build());
        if (expected == null) {
            assertThat(ok(AUTH, token).user()).isEqualTo("alice");
        } else {
            assertThat(refusal(AUTH, token).failure()).isEqualTo(expected);
        }
    }

    @Test
    void zeroSkewEndsTheTokenAtExp() {
        JwtAuthenticator strict = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(SECRET).skew(Duration.ZERO).clock(TestTokens.FIXED).build());
        assertThat(refusal(strict, hs256(claims().expirationTime(Date.from(NOW)).build())).failure())
                .isEqualTo(AuthFailure.EXPIRED);
        assertThat(ok(strict, hs256(claims().expirationTime(Date.from(NOW.plusSeconds(1))).build())).expiresAt())
                .isEqualTo(NOW.getEpochSecond() + 1);
    }

    @Test
    void maxTokenSizeIsConfigurable() {
        JwtAuthenticator small = new JwtAuthenticator(JwtVerifierSettings.builder()
                .hmacSecret(SECRET).maxTokenBytes(100).clock(TestTokens.FIXED).build());
        assertThat(refusal(small, hs256(claims().build())).failure()).isEqualTo(AuthFailure.OVERSIZED);
    }

    @Test
    void anHsTokenIsRefusedWhenNoSecretIsConfigured() {
        JwtAuthenticator rsaOnly = new JwtAuthenticator(JwtVerifierSettings.builder()
                .publicKeyPem(TestTokens.pem(TestTokens.rsa().getPublic())).clock(TestTokens.FIXED).build());
        assertThat(refusal(rsaOnly, hs256(claims().build())).failure()).isEqualTo(AuthFailure.INVALID);
    }

}
