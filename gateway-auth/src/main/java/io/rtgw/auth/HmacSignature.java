package io.rtgw.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256/384/512 checked with the JDK's Mac. Nimbus' MACVerifier would refuse HS384/HS512 unless
 * the secret is 48/64 bytes, but docs/protocol.md §3 promises all three for any secret of 32 bytes or
 * more (the security of HMAC is bounded by the key, not the hash; 256 bits is plenty) and the
 * popular issuing libraries sign that way.
 */
final class HmacSignature {
    private static final Map<JWSAlgorithm, String> JCA_NAMES = Map.of(
            JWSAlgorithm.HS256, "HmacSHA256",
            JWSAlgorithm.HS384, "HmacSHA384",
            JWSAlgorithm.HS512, "HmacSHA512");

    private HmacSignature() {
    }

    static boolean isHmac(JWSAlgorithm alg) {
        return JCA_NAMES.containsKey(alg);
    }

    static boolean verify(byte[] secret, SignedJWT jwt) {
        String jcaName = JCA_NAMES.get(jwt.getHeader().getAlgorithm());
        if (jcaName == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance(jcaName);
            mac.init(new SecretKeySpec(secret, jcaName));
            byte[] expected = mac.doFinal(jwt.getSigningInput());
            // Constant time, so the comparison leaks nothing about how many bytes were right.
            return MessageDigest.isEqual(expected, jwt.getSignature().decode());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
