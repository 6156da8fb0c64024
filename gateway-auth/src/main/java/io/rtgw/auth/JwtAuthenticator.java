package io.rtgw.auth;

import static io.rtgw.core.auth.AuthFailure.INVALID;
import static io.rtgw.core.auth.AuthFailure.MISSING;
import static io.rtgw.core.auth.AuthFailure.OVERSIZED;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.auth.Authenticator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Verifies client JWTs as docs/protocol.md §3 describes: HS256/384/512 with the configured secret,
 * RS256/PS256/ES256 with PEM keys and/or a JWKS, then the claims.
 *
 * <p>The returned future is already complete unless the token names a key that is not known yet
 * and the JWKS has to be fetched; that fetch never blocks the calling thread (an event loop, as a
 * rule). A refusal completes the future exceptionally with the {@link AuthenticationException}
 * itself, not wrapped. When a fetch was needed the future completes on an HTTP client thread, so
 * a caller that must act on its own event loop hands the result back to it.
 *
 * <p>With a JWKS URL the constructor starts the first fetch at once; {@link #jwksReady()} lets a
 * server wait for it before opening its listeners. {@link #close()} stops the periodic refresh.
 *
 * <p>Algorithm confusion is impossible by construction: an HS token is only ever checked against
 * the configured secret, never against public key bytes, and an asymmetric key only verifies the
 * algorithms of its own type.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    private final JwtVerifierSettings settings;
    private final VerifiedTokens verifiedHmacTokens;
    private final byte[] hmacSecret;
    private final List<VerificationKey> staticKeys;
    private final IdentityClaims claims;
    private final JwksKeySource jwks;
    private final ScheduledExecutorService jwksScheduler;

    public JwtAuthenticator(JwtVerifierSettings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.verifiedHmacTokens = new VerifiedTokens(settings.clock(), settings.skew(), settings.maxTokenAge());
        this.hmacSecret = settings.hmacSecret().orElse(null);
        this.staticKeys = settings.publicKeys();
        this.claims = new IdentityClaims(settings);
        if (settings.jwksUrl().isPresent()) {
            this.jwksScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rtgw-jwks-refresh");
                t.setDaemon(true);
                return t;
            });
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(settings.jwksFetchTimeout())
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            this.jwks = new JwksKeySource(settings.jwksUrl().get(), http, jwksScheduler,
                    settings.jwksRefreshInterval(), settings.unknownKidRefreshInterval(),
                    settings.jwksFetchTimeout(), settings.clock());
            jwks.start();
        } else {
            this.jwksScheduler = null;
            this.jwks = null;
        }
    }

    /** The allowance on exp/nbf/iat; a connection ends at {@code expiresAt + skew}. */
    public Duration skew() {
        return settings.skew();
    }

    public JwtVerifierSettings settings() {
        return settings;
    }

    /** Number of JWKS fetches started so far (0 without a JWKS): for metrics and tests. */
    public long jwksFetches() {
        return jwks == null ? 0 : jwks.fetchesStarted();
    }

    /**
     * Completes when the first JWKS fetch has finished (successfully or not), so that a server
     * can load keys before it opens its listener. Already complete without a JWKS.
     */
    public CompletableFuture<Void> jwksReady() {
        return jwks == null ? CompletableFuture.completedFuture(null)
                : jwks.initialFetch().thenApply(keys -> null);
    }

    @Override
    public CompletableFuture<ClientIdentity> authenticate(String token) {
        ClientIdentity known = token == null ? null : verifiedHmacTokens.get(token);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        try {
            SignedJWT jwt = parse(token);
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (HmacSignature.isHmac(alg)) {
                if (hmacSecret == null) {
                    throw noKeyForAlgorithm();
                }
                if (!HmacSignature.verify(hmacSecret, jwt)) {
                    throw new AuthenticationException(INVALID, "invalid signature");
                }
                ClientIdentity identity = identity(jwt);
                verifiedHmacTokens.put(token, identity);
                return CompletableFuture.completedFuture(identity);
            }
            if (!ASYMMETRIC.contains(alg)) {
                throw new AuthenticationException(INVALID, "unsupported algorithm");
            }
            List<VerificationKey> jwksKeys = jwks == null ? List.of() : jwks.keys();
            List<VerificationKey> candidates = candidates(jwt, jwksKeys);
            if (jwks != null && jwksLacksKeyFor(jwt, jwksKeys)) {
                // A kid-less PEM key may still sign it; only if none does is the JWKS asked again.
                if (verifiedByAny(jwt, candidates)) {
                    return CompletableFuture.completedFuture(identity(jwt));
                }
                return afterJwksRefresh(jwt);
            }
            return CompletableFuture.completedFuture(verifyAndIdentify(jwt, candidates));
        } catch (AuthenticationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<ClientIdentity> afterJwksRefresh(SignedJWT jwt) {
        CompletableFuture<ClientIdentity> result = new CompletableFuture<>();
        jwks.refreshForUnknownKid().whenComplete((keys, error) -> {
            try {
                List<VerificationKey> fresh = keys != null ? keys : jwks.keys();
                result.complete(verifyAndIdentify(jwt, candidates(jwt, fresh)));
            } catch (AuthenticationException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(new AuthenticationException(INVALID, "token could not be verified"));
            }
        });
        return result;
    }

    private SignedJWT parse(String token) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException(MISSING, "no token");
        }
        // Checked before any parsing or base64 decoding: a huge token costs nothing but this test.
        if (token.length() > settings.maxTokenBytes() || utf8Length(token) > settings.maxTokenBytes()) {
            throw new AuthenticationException(OVERSIZED, "token larger than "
                    + settings.maxTokenBytes() + " bytes");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (java.text.ParseException | RuntimeException e) {
            throw new AuthenticationException(INVALID, "malformed token");
        }
        if (parsed instanceof PlainJWT) {
            throw new AuthenticationException(INVALID, "unsigned tokens (alg none) are refused");
        }
        if (parsed instanceof EncryptedJWT || !(parsed instanceof SignedJWT jwt)) {
            throw new AuthenticationException(INVALID, "only signed tokens (JWS) are accepted");
        }
        JWSHeader header = jwt.getHeader();
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            // RFC 7515 §4.1.11: a critical extension we do not understand must make the token invalid.
            throw new AuthenticationException(INVALID, "unsupported critical header");
        }
        return jwt;
    }

    /** Bytes on the wire; a compact JWT is ASCII, so this normally equals the length. */
    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private List<VerificationKey> candidates(SignedJWT jwt, List<VerificationKey> jwksKeys) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String kid = jwt.getHeader().getKeyID();
        List<VerificationKey> out = new ArrayList<>();
        for (List<VerificationKey> source : List.of(staticKeys, jwksKeys)) {
            for (VerificationKey key : source) {
                if (key.accepts(alg) && key.answersKid(kid)) {
                    out.add(key);
                }
            }
        }
        return out;
    }

    /**
     * True when the current JWKS has no key for this token: none with its kid, or — for a token
     * without kid — none of its algorithm. Such a token may be signed with a key published
     * after the last fetch (rotation), so it may trigger a (rate-limited) refresh.
     */
    private static boolean jwksLacksKeyFor(SignedJWT jwt, List<VerificationKey> jwksKeys) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String kid = jwt.getHeader().getKeyID();
        for (VerificationKey key : jwksKeys) {
            if (key.accepts(alg) && (kid == null || kid.equals(key.kid()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean verifiedByAny(SignedJWT jwt, List<VerificationKey> candidates) {
        for (VerificationKey key : candidates) {
            if (key.verify(jwt)) {
                return true;
            }
        }
        return false;
    }

    private ClientIdentity verifyAndIdentify(SignedJWT jwt, List<VerificationKey> candidates)
            throws AuthenticationException {
        if (candidates.isEmpty()) {
            throw jwt.getHeader().getKeyID() != null
                    ? new AuthenticationException(INVALID, "unknown key id (kid)")
                    : noKeyForAlgorithm();
        }
        if (verifiedByAny(jwt, candidates)) {
            return identity(jwt);
        }
        throw new AuthenticationException(INVALID, "invalid signature");
    }

    private static AuthenticationException noKeyForAlgorithm() {
        return new AuthenticationException(INVALID, "no key for the token's algorithm");
    }

    private ClientIdentity identity(SignedJWT jwt) throws AuthenticationException {
        JWTClaimsSet claimsSet;
        try {
            claimsSet = jwt.getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new AuthenticationException(INVALID, "malformed claims");
        }
        return claims.toIdentity(claimsSet);
    }

    @Override
    public void close() {
        if (jwks != null) {
            jwks.close();
            jwksScheduler.shutdownNow();
        }
    }
}
