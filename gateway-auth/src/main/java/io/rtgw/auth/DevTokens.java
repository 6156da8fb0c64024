package io.rtgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Issues HS256 tokens for development: {@code --dev} prints one so a developer can connect at
 * once, and tests use it. Production tokens are issued by the application (docs/security.md).
 */
public final class DevTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevTokens() {
    }

    /** A random secret of 32 bytes, base64url-encoded (43 characters, used as its UTF-8 bytes). */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hs256(String secret, String sub, String tenant, List<String> channels,
                               List<String> publish, Duration ttl) {
        return hs256(secret, sub, tenant, channels, publish, ttl, Clock.systemUTC());
    }

    /**
     * @param secret   the same string as RTGW_JWT_SECRET (its UTF-8 bytes are the key)
     * @param tenant   null for a token without tenant claim (single-tenant mode)
     * @param ttl      lifetime; null for a token without {@code exp}
     */
    public static String hs256(String secret, String sub, String tenant, List<String> channels,
                               List<String> publish, Duration ttl, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(sub, "sub");
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .claim(IdentityClaims.CHANNELS_CLAIM, List.copyOf(channels))
                .claim(IdentityClaims.PUBLISH_CLAIM, List.copyOf(publish));
        if (tenant != null) {
            claims.claim(JwtVerifierSettings.DEFAULT_TENANT_CLAIM, tenant);
        }
        if (ttl != null) {
            claims.expirationTime(Date.from(now.plus(ttl)));
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            // MACSigner refuses secrets under 256 bits; the same rule as JwtVerifierSettings.
            throw new IllegalArgumentException("RTGW_JWT_SECRET must be at least 32 bytes", e);
        }
        return jwt.serialize();
    }
}
