package io.rtgw.auth;

import static io.rtgw.auth.JwtAuthenticatorTest.ok;
import static io.rtgw.auth.JwtAuthenticatorTest.refusal;
import static io.rtgw.auth.TestTokens.claims;
import static io.rtgw.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwksVerificationTest {
    private static final KeyPair RSA1 = TestTokens.rsa();
    private static final KeyPair RSA2 = TestTokens.rsa();
    private static final KeyPair EC1 = TestTokens.ec();

    private JwksServer jwks;
    private final MutableClock clock = new MutableClock(TestTokens.NOW);
    private final List<JwtAuthenticator> opened = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        jwks = new JwksServer();
    }

    @AfterEach
    void stop() {
        opened.forEach(JwtAuthenticator::close);
        jwks.close();
    }

    private JwtAuthenticator authenticator(Duration refresh) throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .jwksUrl(jwks.url()).jwksRefreshInterval(refresh).clock(clock).build());
        opened.add(auth);
        auth.jwksReady().get(10, TimeUnit.SECONDS);
        return auth;
    }

    private JwtAuthenticator authenticator() throws Exception {
        return authenticator(Duration.ofMinutes(5));
    }

    private static JWK rsaJwk(KeyPair pair, String kid) {
        return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(kid).build();
    }

    private static JWK ecJwk(KeyPair pair, String kid) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).keyID(kid).build();
    }

    private static String rs256(KeyPair pair, String kid) {
        return sign(JWSAlgorithm.RS256, kid, pair.getPrivate(), claims().build());
    }

    private static ClientIdentity await10(CompletableFuture<ClientIdentity> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void keysAreChosenByKidOrByTypeWhenTheTokenHasNone() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"), ecJwk(EC1, "e1"));
        JwtAuthenticator auth = authenticator();
        assertThat(ok(auth, rs256(RSA1, "r1")).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.PS256, "r1", RSA1.getPrivate(), claims().build())).tenant()).isEqualTo("acme");
        assertThat(ok(auth, sign(JWSAlgorithm.ES256, "e1", EC1.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(ok(auth, rs256(RSA1, null)).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.ES256, null, EC1.getPrivate(), claims().build())).user()).isEqualTo("alice");
        // The EC key's kid with an RSA algorithm: the key cannot be used, whatever the kid says.
        assertThat(refusal(auth, sign(JWSAlgorithm.RS256, "e1", RSA1.getPrivate(), claims().build())).failure())
                .isEqualTo(AuthFailure.INVALID);
        assertThat(jwks.requests()).isLessThanOrEqualTo(2);
    }

    @Test
    void aKeysDeclaredAlgIsEnforced() throws Exception {
        jwks.serve(new RSAKey.Builder((RSAPublicKey) RSA1.getPublic()).keyID("r1").algorithm(JWSAlgorithm.RS256).build());
        JwtAuthenticator auth = authenticator();
        assertThat(ok(auth, rs256(RSA1, "r1")).user()).isEqualTo("alice");
        assertThat(refusal(auth, sign(JWSAlgorithm.PS256, "r1", RSA1.getPrivate(), claims().build())).failure())
                .isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void anUnknownKidRefreshesTheSetSoRotationNeedsNoRestart() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator();
        assertThat(jwks.requests()).isEqualTo(1);

        jwks.serve(rsaJwk(RSA1, "r1"), rsaJwk(RSA2, "r2"));
        assertThat(await10(auth.authenticate(rs256(RSA2, "r2"))).user()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(2);
        assertThat(ok(auth, rs256(RSA1, "r1")).user()).isEqualTo("alice");

        jwks.serve(rsaJwk(RSA2, "r2")); // r1 retired at the provider
        clock.advance(Duration.ofMinutes(1));
        assertThat(refusal(auth, rs256(RSA1, "unknown")).failure()).isEqualTo(AuthFailure.INVALID);
        assertThat(refusal(auth, rs256(RSA1, "r1")).failure()).isEqualTo(AuthFailure.INVALID);
        assertThat(ok(auth, rs256(RSA2, "r2")).user()).isEqualTo("alice");
    }

    @Test
    void pemKeysBesideAJwksDoNotStopRotationThroughTheJwks() throws Exception {
        KeyPair pemKey = TestTokens.rsa();
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .publicKeyPem(TestTokens.pem(pemKey.getPublic())).jwksUrl(jwks.url()).clock(clock).build());
        opened.add(auth);
        auth.jwksReady().get(10, TimeUnit.SECONDS);
        int before = jwks.requests();
        assertThat(ok(auth, rs256(pemKey, "pem-signed"))).isNotNull(); // verified by PEM, no fetch
        assertThat(jwks.requests()).isEqualTo(before);

        jwks.serve(rsaJwk(RSA1, "r1"), rsaJwk(RSA2, "r2"));
        assertThat(await10(auth.authenticate(rs256(RSA2, "r2"))).user()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(before + 1);
    }

    @Test
    void aFloodOfRandomKidsCostsTheJwksServerOneRequestPerInterval() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator();
        int before = jwks.requests();

        for (int i = 0; i < 200; i++) {
            String token = rs256(RSA2, UUID.randomUUID().toString());
            AuthenticationAssert.refusedAs(auth.authenticate(token), AuthFailure.INVALID);
        }
        assertThat(jwks.requests()).isEqualTo(before + 1);

        clock.advance(Duration.ofSeconds(29));
        AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA2, "again")), AuthFailure.INVALID);
        assertThat(jwks.requests()).isEqualTo(before + 1);

        clock.advance(Duration.ofSeconds(1));
        AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA2, "once-more")), AuthFailure.INVALID);
        assertThat(jwks.requests()).isEqualTo(before + 2);
        // Known kids never cause a fetch.
        assertThat(ok(auth, rs256(RSA1, "r1")).user()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(before + 2);
    }

    @Test
    void aClockSteppedBackDoesNotBlockUnknownKidRefreshes() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator();
        clock.advance(Duration.ofHours(2));
        AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA2, "x1")), AuthFailure.INVALID);
        int before = jwks.requests();
        clock.advance(Duration.ofHours(-1)); // still after the tokens' iat, an hour before the last refresh
        jwks.serve(rsaJwk(RSA1, "r1"), rsaJwk(RSA2, "r2"));
        String longLived = sign(JWSAlgorithm.RS256, "r2", RSA2.getPrivate(),
                claims().expirationTime(java.util.Date.from(TestTokens.NOW.plus(Duration.ofDays(1)))).build());
        assertThat(await10(auth.authenticate(longLived)).user()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(before + 1);
    }

    @Test
    void concurrentUnknownKidsShareOneFetch() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator();
        int before = jwks.requests();
        CountDownLatch release = jwks.holdRequests();
        jwks.serve(rsaJwk(RSA1, "r1"), rsaJwk(RSA2, "r2"));

        List<CompletableFuture<ClientIdentity>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(auth.authenticate(rs256(RSA2, "r2")));
        }
        // The fetch is held by the server, so none of the callers can have been answered: the
        // calls returned without waiting for the network.
        assertThat(pending).allSatisfy(f -> assertThat(f).isNotDone());
        release.countDown();
        for (CompletableFuture<ClientIdentity> f : pending) {
            assertThat(await10(f).user()).isEqualTo("alice");
        }
        assertThat(jwks.requests()).isEqualTo(before + 1);
    }

    @Test
    void theLastGoodSetSurvivesErrorsGarbageAndAnOutage() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator();
        List<JwksServer.Answer> badAnswers = List.of(
                new JwksServer.Answer(500, "{\"error\":\"down\"}"),
                new JwksServer.Answer(200, "<html>maintenance</html>"),
                new JwksServer.Answer(200, "{\"keys\":[]}"),
                new JwksServer.Answer(200, "{\"keys\":[" + new OctetSequenceKey.Builder(
                        TestTokens.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)).keyID("oct").build()
                        .toJSONString() + "]}"),
                new JwksServer.Answer(200, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"broken\"}]}"));
        for (JwksServer.Answer bad : badAnswers) {
            int before = jwks.requests();
            jwks.answer(bad.status(), bad.body());
            clock.advance(Duration.ofMinutes(1));
            AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA1, "forces-a-fetch")), AuthFailure.INVALID);
            assertThat(jwks.requests()).as(bad.body()).isEqualTo(before + 1);
            assertThat(ok(auth, rs256(RSA1, "r1")).user()).as(bad.body()).isEqualTo("alice");
        }

        jwks.close();
        clock.advance(Duration.ofMinutes(1));
        AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA1, "forces-a-fetch")), AuthFailure.INVALID);
        assertThat(ok(auth, rs256(RSA1, "r1")).user()).isEqualTo("alice");
    }

    @Test
    void aProviderThatWasDownAtStartIsUsedOnceItAnswers() throws Exception {
        jwks.answer(503, "starting");
        JwtAuthenticator auth = authenticator();
        jwks.serve(rsaJwk(RSA1, "r1"));
        assertThat(await10(auth.authenticate(rs256(RSA1, "r1"))).user()).isEqualTo("alice");
    }

    @Test
    void theScheduledRefreshPicksUpNewKeys() throws Exception {
        jwks.serve(rsaJwk(RSA1, "r1"));
        JwtAuthenticator auth = authenticator(Duration.ofMillis(50));
        // Spend the unknown-kid allowance (the clock does not move), so only the schedule can help.
        AuthenticationAssert.refusedAs(auth.authenticate(rs256(RSA2, "r2")), AuthFailure.INVALID);
        jwks.serve(rsaJwk(RSA2, "r2"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(await10(auth.authenticate(rs256(RSA2, "r2"))).user()).isEqualTo("alice"));
    }
}
