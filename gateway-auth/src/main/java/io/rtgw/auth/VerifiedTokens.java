package io.rtgw.auth;

import io.rtgw.core.ClientIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HS-signed tokens already verified, by their exact text. Parsing and checking a JWT costs tens
 * of microseconds (mostly the JOSE library's Base64 and JSON), and a reconnect storm presents the
 * same tokens again; a hit costs one map lookup and the expiry check.
 *
 * <p>Only tokens checked with the configured HMAC secret are kept: that secret does not change
 * while the process runs, so a verdict stays true until the token expires. Tokens verified with
 * public keys are not kept, because a JWKS rotation may withdraw their key. A hit never extends a
 * token's life: past {@code exp} + skew it is verified again (and refused as expired).
 */
final class VerifiedTokens {
    static final int MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<String, ClientIdentity> byToken = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long skewMillis;
    private final long maxAgeMillis;

    VerifiedTokens(Clock clock, Duration skew) {
        this(clock, skew, Duration.ZERO);
    }

    /** Past the maximum token age a cached verdict is dropped too, and the token verified again (and refused). */
    VerifiedTokens(Clock clock, Duration skew, Duration maxTokenAge) {
        this.maxAgeMillis = maxTokenAge.toMillis();
        this.clock = clock;
        this.skewMillis = skew.toMillis();
    }

    /** The identity of a token verified before and still within its lifetime, else null. */
    ClientIdentity get(String token) {
        ClientIdentity identity = byToken.get(token);
        if (identity == null) {
            return null;
        }
        long now = clock.millis();
        boolean tooOld = maxAgeMillis > 0 && identity.issuedAt() > 0
                && now >= identity.issuedAt() * 1000 + maxAgeMillis + skewMillis;
        if (tooOld || identity.expires() && now >= identity.expiresAt() * 1000 + skewMillis) {
            byToken.remove(token);
            return null;
        }
        return identity;
    }

    void put(String token, ClientIdentity identity) {
        if (byToken.size() >= MAX_ENTRIES) {
            // Bounded memory without LRU bookkeeping on the hot path: start over; misses only cost a verify.
            byToken.clear();
        }
        byToken.put(token, identity);
    }
}
