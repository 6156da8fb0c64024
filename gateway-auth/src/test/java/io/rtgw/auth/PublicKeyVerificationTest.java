package io.rtgw.auth;

import static io.rtgw.auth.JwtAuthenticatorTest.ok;
import static io.rtgw.auth.JwtAuthenticatorTest.refusal;
import static io.rtgw.auth.TestTokens.claims;
import static io.rtgw.auth.TestTokens.pem;
import static io.rtgw.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.rtgw.core.auth.AuthFailure;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublicKeyVerificationTest {
    private static final KeyPair RSA = TestTokens.rsa();
    private static final KeyPair RSA_NEXT = TestTokens.rsa();
    private static final KeyPair EC = TestTokens.ec();

    private static JwtAuthenticator withPem(String pem) {
        return new JwtAuthenticator(JwtVerifierSettings.builder().publicKeyPem(pem).clock(TestTokens.FIXED).build());
    }

    @Test
    void rs256Ps256AndEs256VerifyWithPemKeys() {
        JwtAuthenticator auth = withPem(pem(RSA.getPublic()) + pem(EC.getPublic()));
        assertThat(ok(auth, sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.PS256, null, RSA.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.ES256, "any-kid", EC.getPrivate(), claims().build())).user()).isEqualTo("alice");
    }

    @Test
    void severalPemKeysAllowRotation() {
        JwtAuthenticator auth = withPem(pem(RSA.getPublic()) + "\n" + pem(RSA_NEXT.getPublic()));
        assertThat(ok(auth, sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.RS256, null, RSA_NEXT.getPrivate(), claims().build())).user()).isEqualTo("alice");
        KeyPair stranger = TestTokens.rsa();
        assertThat(refusal(auth, sign(JWSAlgorithm.RS256, null, stranger.getPrivate(), claims().build())).failure())
                .isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void pemKeysWithAKidAnswerOnlyThatKid() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtVerifierSettings.builder()
                .publicKeyPem("2024", pem(RSA.getPublic()))
                .publicKeyPem("2025", pem(RSA_NEXT.getPublic()))
                .clock(TestTokens.FIXED).build());
        assertThat(ok(auth, sign(JWSAlgorithm.RS256, "2025", RSA_NEXT.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(ok(auth, sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().build())).user()).isEqualTo("alice");
        assertThat(refusal(auth, sign(JWSAlgorithm.RS256, "2026", RSA.getPrivate(), claims().build())).getMessage())
                .contains("kid");
        // The right kid with the other key's signature is still a bad signature.
        assertThat(refusal(auth, sign(JWSAlgorithm.RS256, "2024", RSA_NEXT.getPrivate(), claims().build())).failure())
                .isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void anHsTokenSignedWithThePublicKeyIsRefused() {
        byte[] derBytes = RSA.getPublic().getEncoded();
        byte[] pemBytes = pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII);
        for (JwtAuthenticator auth : List.of(
                withPem(pem(RSA.getPublic())),
                new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(TestTokens.SECRET)
                        .publicKeyPem(pem(RSA.getPublic())).clock(TestTokens.FIXED).build()))) {
            for (byte[] confused : List.of(derBytes, pemBytes)) {
                String token = TestTokens.hmac(JWSAlgorithm.HS256, confused, claims().build());
                assertThat(refusal(auth, token).failure()).isEqualTo(AuthFailure.INVALID);
            }
        }
    }

    @Test
    void anAlgorithmThatDoesNotMatchTheKeyTypeIsRefused() {
        JwtAuthenticator rsaOnly = withPem(pem(RSA.getPublic()));
        JwtAuthenticator ecOnly = withPem(pem(EC.getPublic()));
        String rsSigned = sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().build());
        String relabelledAsEs = TestTokens.b64("{\"alg\":\"ES256\"}") + rsSigned.substring(rsSigned.indexOf('.'));
        assertThat(refusal(rsaOnly, relabelledAsEs).failure()).isEqualTo(AuthFailure.INVALID);
        assertThat(refusal(ecOnly, rsSigned).failure()).isEqualTo(AuthFailure.INVALID);
        String esSigned = sign(JWSAlgorithm.ES256, null, EC.getPrivate(), claims().build());
        assertThat(refusal(rsaOnly, esSigned).failure()).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void tamperedRsaTokenIsRefused() {
        JwtAuthenticator auth = withPem(pem(RSA.getPublic()));
        String good = sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().build());
        String other = sign(JWSAlgorithm.RS256, null, RSA.getPrivate(), claims().claim("tenant", "globex").build());
        List<String> g = TestTokens.parts(good);
        String swapped = g.get(0) + "." + TestTokens.parts(other).get(1) + "." + g.get(2);
        assertThat(refusal(auth, swapped).failure()).isEqualTo(AuthFailure.INVALID);
    }

    @Test
    void smallRsaKeysPrivateKeysAndGarbageAreRefusedAtStart() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        String small = pem(g.generateKeyPair().getPublic());
        assertThatThrownBy(() -> withPem(small)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RTGW_JWT_PUBLIC_KEY").hasMessageContaining("2048");
        String privatePem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(RSA.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> withPem(privatePem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PUBLIC KEY");
        assertThatThrownBy(() -> withPem("not a pem")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RTGW_JWT_PUBLIC_KEY");
        String corrupt = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> withPem(corrupt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RTGW_JWT_PUBLIC_KEY");
    }
}
