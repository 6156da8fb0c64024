package io.rtgw.auth;

import static io.rtgw.core.auth.AuthFailure.EXPIRED;
import static io.rtgw.core.auth.AuthFailure.INVALID;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.rtgw.core.ChannelName;
import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthenticationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * Turns the claims of a token whose signature is already verified into a {@link ClientIdentity},
 * or refuses them. Messages are short and name the claim, never its value: they go to clients
 * and into logs.
 */
final class IdentityClaims {
    static final String CHANNELS_CLAIM = "channels";
    static final String PUBLISH_CLAIM = "publish";
    static final String INFO_CLAIM = "info";

    private final JwtVerifierSettings settings;

    IdentityClaims(JwtVerifierSettings settings) {
        this.settings = settings;
    }

    ClientIdentity toIdentity(JWTClaimsSet claims) throws AuthenticationException {
        return toIdentity(claims, true);
    }

    /**
     * @param token false for a connect hook's answer (docs/protocol.md §11), which has no issuer or
     *              audience and may leave out its expiry; every claim it has is checked as a token's
     */
    ClientIdentity toIdentity(JWTClaimsSet claims, boolean token) throws AuthenticationException {
        Instant now = settings.clock().instant();
        long expiresAt = checkTimes(claims, now, settings.skew(), token && settings.expRequired());
        long issuedAt = checkAge(claims, now);
        if (token) {
            checkIssuerAndAudience(claims);
        }
        String user = subject(claims);
        String tenant = tenant(claims);
        List<ChannelPattern> subscribable = patterns(claims, CHANNELS_CLAIM);
        List<ChannelPattern> publishable = patterns(claims, PUBLISH_CLAIM);
        return new ClientIdentity(user, tenant, expiresAt, subscribable, publishable, issuedAt, tokenId(claims),
                info(claims));
    }

    /**
     * One skew for all three times (docs/protocol.md §3): valid while now &lt; exp + skew, refused while
     * now &lt; nbf - skew, refused when iat &gt; now + skew (a token "issued in the future" means a
     * broken issuer clock or a forged token).
     *
     * @return exp in Unix seconds, 0 when the token has none
     */
    private long checkTimes(JWTClaimsSet claims, Instant now, Duration skew, boolean expRequired)
            throws AuthenticationException {
        Date exp = dateClaim(claims, "exp");
        Date nbf = dateClaim(claims, "nbf");
        Date iat = dateClaim(claims, "iat");
        if (exp == null && expRequired) {
            throw new AuthenticationException(INVALID, "token has no exp");
        }
        if (exp != null && !now.isBefore(exp.toInstant().plus(skew))) {
            throw new AuthenticationException(EXPIRED, "token expired");
        }
        if (nbf != null && now.isBefore(nbf.toInstant().minus(skew))) {
            throw new AuthenticationException(INVALID, "token not valid yet (nbf)");
        }
        if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
            throw new AuthenticationException(INVALID, "token issued in the future (iat)");
        }
        return exp == null ? 0 : exp.toInstant().getEpochSecond();
    }

    /**
     * A token issued longer ago than the maximum token age is refused outright: that bound is what
     * lets a user revocation expire (docs/protocol.md §7).
     *
     * @return iat in Unix seconds, 0 when the token has none
     */
    private long checkAge(JWTClaimsSet claims, Instant now) throws AuthenticationException {
        Date iat = dateClaim(claims, "iat");
        if (iat == null) {
            return 0;
        }
        Duration maxAge = settings.maxTokenAge();
        if (!maxAge.isZero() && !now.isBefore(iat.toInstant().plus(maxAge).plus(settings.skew()))) {
            throw new AuthenticationException(EXPIRED, "token older than the maximum token age (iat)");
        }
        return iat.toInstant().getEpochSecond();
    }

    private static String tokenId(JWTClaimsSet claims) throws AuthenticationException {
        Object jti = claims.getClaim("jti");
        if (jti == null) {
            return null;
        }
        if (!(jti instanceof String s) || s.isEmpty() || s.length() > 256) {
            throw new AuthenticationException(INVALID, "claim 'jti' must be a string of 1-256 characters");
        }
        return s;
    }

    /**
     * The {@code info} claim (docs/protocol.md §3, §9) as compact JSON: an object of at most
     * {@link ClientIdentity#MAX_INFO_BYTES} once serialized, shown to other subscribers through
     * presence. Anything else makes the token invalid, as any other bad claim.
     */
    static String info(JWTClaimsSet claims) throws AuthenticationException {
        Object info = claims.getClaim(INFO_CLAIM);
        if (info == null) {
            return null;
        }
        if (!(info instanceof Map<?, ?> object)) {
            throw new AuthenticationException(INVALID, "claim 'info' must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        String json = JSONObjectUtils.toJSONString((Map<String, ?>) object);
        if (json.getBytes(StandardCharsets.UTF_8).length > ClientIdentity.MAX_INFO_BYTES) {
            throw new AuthenticationException(INVALID, "claim 'info' must be at most "
                    + ClientIdentity.MAX_INFO_BYTES + " bytes of JSON");
        }
        return json;
    }

    private static Date dateClaim(JWTClaimsSet claims, String name) throws AuthenticationException {
        try {
            return claims.getDateClaim(name);
        } catch (java.text.ParseException e) {
            throw new AuthenticationException(INVALID, "claim '" + name + "' is not a number");
        }
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) throws AuthenticationException {
        String requiredIssuer = settings.requiredIssuer().orElse(null);
        if (requiredIssuer != null) {
            Object iss = claims.getClaim("iss");
            if (!requiredIssuer.equals(iss)) {
                throw new AuthenticationException(INVALID, "wrong issuer (iss)");
            }
        }
        String requiredAudience = settings.requiredAudience().orElse(null);
        if (requiredAudience != null) {
            // aud may be a string or an array of strings (RFC 7519 §4.1.3); Nimbus reads both as a list.
            List<String> audience;
            try {
                audience = claims.getAudience();
            } catch (RuntimeException e) {
                audience = List.of();
            }
            if (audience == null || !audience.contains(requiredAudience)) {
                throw new AuthenticationException(INVALID, "wrong audience (aud)");
            }
        }
    }

    private static String subject(JWTClaimsSet claims) throws AuthenticationException {
        Object sub = claims.getClaim("sub");
        if (sub == null) {
            throw new AuthenticationException(INVALID, "token has no sub");
        }
        if (!(sub instanceof String s) || s.isBlank()) {
            throw new AuthenticationException(INVALID, "claim 'sub' must be a non-empty string");
        }
        return s;
    }

    private String tenant(JWTClaimsSet claims) throws AuthenticationException {
        String claimName = settings.tenantClaim();
        Object value = claims.getClaim(claimName);
        if (value == null) {
            return settings.singleTenant().orElseThrow(
                    () -> new AuthenticationException(INVALID, "token has no " + claimName));
        }
        if (!(value instanceof String tenant) || !ChannelName.isValidTenant(tenant)) {
            throw new AuthenticationException(INVALID, "claim '" + claimName
                    + "' must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return tenant;
    }

    private static List<ChannelPattern> patterns(JWTClaimsSet claims, String name) throws AuthenticationException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new AuthenticationException(INVALID, "claim '" + name + "' must be an array of strings");
        }
        List<ChannelPattern> patterns = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String text)) {
                throw new AuthenticationException(INVALID, "claim '" + name + "' must be an array of strings");
            }
            try {
                patterns.add(ChannelPattern.parse(text));
            } catch (IllegalArgumentException e) {
                throw new AuthenticationException(INVALID, "claim '" + name + "' item " + i
                        + " is not a channel name or a prefix ending in '*'");
            }
        }
        return patterns;
    }
}
