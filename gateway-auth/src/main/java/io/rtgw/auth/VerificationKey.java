package io.rtgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import java.util.Set;

/**
 * One asymmetric verification key, from PEM or JWKS. It states which algorithms it may verify
 * so that a token can never pick a key of the wrong type (algorithm confusion): RSA keys verify
 * only RS256/PS256, P-256 keys only ES256, and a JWK's own {@code alg} narrows that further.
 */
final class VerificationKey {
    /** Smaller RSA moduli are factorable at acceptable cost; refuse them as keys. */
    static final int MIN_RSA_BITS = 2048;

    private static final Set<JWSAlgorithm> RSA_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final Set<JWSAlgorithm> EC_ALGS = Set.of(JWSAlgorithm.ES256);

    private final String kid;
    private final JWSAlgorithm declaredAlg;
    private final Set<JWSAlgorithm> algorithms;
    private final JWSVerifier verifier;

    private VerificationKey(String kid, JWSAlgorithm declaredAlg, Set<JWSAlgorithm> algorithms,
                            JWSVerifier verifier) {
        this.kid = kid;
        this.declaredAlg = declaredAlg;
        this.algorithms = algorithms;
        this.verifier = verifier;
    }

    /** @throws IllegalArgumentException with a reason fit for a start-up error line */
    static VerificationKey of(PublicKey key, String kid) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key of " + bits + " bits is too small, at least "
                        + MIN_RSA_BITS + " are required");
            }
            return new VerificationKey(kid, null, RSA_ALGS, new RSASSAVerifier(rsa));
        }
        if (key instanceof ECPublicKey ec) {
            if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
                throw new IllegalArgumentException("EC key is not on curve P-256 (ES256 is the supported EC algorithm)");
            }
            try {
                return new VerificationKey(kid, null, EC_ALGS, new ECDSAVerifier(ec));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("EC key is not usable: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm()
                + " (RSA or EC P-256 expected)");
    }

    /** Empty for keys that cannot verify RS256/PS256/ES256 signatures (encryption keys, other curves, HMAC). */
    static Optional<VerificationKey> fromJwk(JWK jwk) {
        if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        try {
            PublicKey publicKey;
            if (jwk instanceof RSAKey rsa) {
                publicKey = rsa.toRSAPublicKey();
            } else if (jwk instanceof ECKey ec) {
                publicKey = ec.toECPublicKey();
            } else {
                return Optional.empty();
            }
            VerificationKey base = of(publicKey, jwk.getKeyID());
            JWSAlgorithm declared = jwk.getAlgorithm() == null ? null
                    : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
            if (declared != null && !base.algorithms.contains(declared)) {
                return Optional.empty();
            }
            return Optional.of(new VerificationKey(base.kid, declared, base.algorithms, base.verifier));
        } catch (JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String kid() {
        return kid;
    }

    boolean accepts(JWSAlgorithm alg) {
        return declaredAlg == null ? algorithms.contains(alg) : declaredAlg.equals(alg);
    }

    /**
     * A token with a kid needs a key with that kid, except that kid-less keys (plain PEM) are
     * tried for any kid; a token without a kid is tried against every key of its algorithm.
     */
    boolean answersKid(String tokenKid) {
        return kid == null || tokenKid == null || kid.equals(tokenKid);
    }

    boolean verify(SignedJWT jwt) {
        try {
            return jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }
}
