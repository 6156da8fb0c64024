package io.rtgw.core.control;

import io.rtgw.core.ClientIdentity;
import java.time.Duration;
import java.util.Objects;

/**
 * One active revocation (docs/protocol.md §7): either every token of {@code user} issued before
 * {@code before}, or the one token {@code jti} (kept until its {@code exp}).
 *
 * @param user   the user, or null for a token revocation
 * @param before Unix seconds; tokens of the user with an earlier {@code iat} (or none) are refused
 * @param jti    the token id, or null for a user revocation
 * @param exp    Unix seconds, the revoked token's expiry (token revocations only)
 */
public record Revocation(String tenant, String user, long before, String jti, long exp) {

    public Revocation {
        Objects.requireNonNull(tenant, "tenant");
        if ((user == null) == (jti == null)) {
            throw new IllegalArgumentException("a revocation names either a user or a jti");
        }
    }

    public static Revocation ofUser(String tenant, String user, long before) {
        return new Revocation(tenant, user, before, null, 0);
    }

    public static Revocation ofToken(String tenant, String jti, long exp) {
        return new Revocation(tenant, null, 0, jti, exp);
    }

    public boolean byUser() {
        return user != null;
    }

    /** What identifies this revocation regardless of its time: a newer one of the same key replaces it. */
    public String key() {
        return byUser() ? "u|" + tenant + "|" + user : "j|" + tenant + "|" + jti;
    }

    /** Whether a connection or token with this identity is refused by this revocation. */
    public boolean covers(ClientIdentity identity) {
        if (!tenant.equals(identity.tenant())) {
            return false;
        }
        if (byUser()) {
            return user.equals(identity.user()) && (identity.issuedAt() == 0 || identity.issuedAt() < before);
        }
        return jti.equals(identity.tokenId());
    }

    /**
     * Unix seconds after which this revocation can be forgotten, because every token it covers is
     * refused anyway: a user's tokens by the maximum token age (none: never), one token by its
     * expiry. Both allow the clock skew.
     */
    public long keptUntil(Duration maxTokenAge, Duration skew) {
        if (byUser()) {
            return maxTokenAge.isZero() ? Long.MAX_VALUE : before + maxTokenAge.toSeconds() + skew.toSeconds();
        }
        return exp + skew.toSeconds();
    }
}
