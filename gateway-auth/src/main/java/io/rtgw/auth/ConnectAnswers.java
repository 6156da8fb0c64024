package io.rtgw.auth;

import static io.rtgw.core.auth.AuthFailure.INVALID;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthenticationException;
import java.util.Date;
import java.util.Map;

/**
 * Reads a connect hook's answer {@code {user, tenant, channels?, publish?, info?, expiresAt?}}
 * (docs/protocol.md §11) into the identity a token would give. The answer is mapped onto claims
 * ({@code user} → {@code sub}, {@code expiresAt} → {@code exp}, {@code iat} = now) and checked by
 * the very {@link IdentityClaims} that checks tokens, so a grant or an {@code info} the token path
 * refuses is refused here too. Only what an answer cannot have is skipped: issuer, audience, and
 * the requirement of an expiry.
 */
public final class ConnectAnswers {
    private final JwtVerifierSettings settings;
    private final IdentityClaims claims;

    public ConnectAnswers(JwtVerifierSettings settings) {
        this.settings = settings;
        this.claims = new IdentityClaims(settings);
    }

    /** @throws AuthenticationException {@code INVALID} for a malformed answer, {@code EXPIRED} for one already expired */
    public ClientIdentity identity(String json) throws AuthenticationException {
        Map<String, Object> answer;
        try {
            answer = JSONObjectUtils.parse(json);
        } catch (java.text.ParseException | RuntimeException e) {
            throw new AuthenticationException(INVALID, "the connect hook's answer is not a JSON object");
        }
        if (answer.get("user") == null) {
            throw new AuthenticationException(INVALID, "the connect hook's answer has no user");
        }
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .claim("sub", answer.get("user"))
                .claim(settings.tenantClaim(), answer.get("tenant"))
                .claim(IdentityClaims.CHANNELS_CLAIM, answer.get("channels"))
                .claim(IdentityClaims.PUBLISH_CLAIM, answer.get("publish"))
                .claim(IdentityClaims.INFO_CLAIM, answer.get("info"))
                .claim("exp", answer.get("expiresAt"))
                // issued now: a user revocation ends the connections admitted before it, while the app
                // keeps deciding about new ones (docs/protocol.md §7)
                .issueTime(Date.from(settings.clock().instant()));
        try {
            return claims.toIdentity(b.build(), false);
        } catch (AuthenticationException e) {
            throw new AuthenticationException(e.failure(), inAnswerTerms(e.getMessage()));
        }
    }

    /** The claim checks speak of tokens; the app wrote an answer with its own field names. */
    private String inAnswerTerms(String message) {
        return "the connect hook's answer: " + message
                .replace("claim 'sub'", "'user'")
                .replace("claim '" + settings.tenantClaim() + "'", "'tenant'")
                .replace("claim 'exp'", "'expiresAt'")
                .replace("token has no " + settings.tenantClaim(), "no tenant")
                .replace("token expired", "expiresAt has passed")
                .replace("claim '", "'");
    }
}
