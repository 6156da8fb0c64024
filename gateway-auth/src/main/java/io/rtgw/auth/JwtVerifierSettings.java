package io.rtgw.auth;

import io.rtgw.core.ChannelName;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link JwtAuthenticator} needs, checked once at construction so that a bad setting
 * stops the server at start with a message naming the setting (docs/protocol.md §1), never at the first
 * client. Immutable; build with {@link #builder()}.
 */
public final class JwtVerifierSettings {
    /** RFC 7518 §3.2: an HMAC key must be at least as long as the hash; 256 bits for HS256. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
    public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(5);
    public static final Duration DEFAULT_UNKNOWN_KID_REFRESH = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_FETCH_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_TENANT_CLAIM = "tenant";
    /** Tokens issued longer ago than this are refused, so user revocations can expire (docs/protocol.md §7). */
    public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofHours(24);

    private final byte[] hmacSecret;
    private final List<VerificationKey> publicKeys;
    private final URI jwksUrl;
    private final Duration jwksRefreshInterval;
    private final Duration unknownKidRefreshInterval;
    private final Duration jwksFetchTimeout;
    private final String tenantClaim;
    private final String singleTenant;
    private final boolean expRequired;
    private final Duration skew;
    private final Duration maxTokenAge;
    private final String requiredIssuer;
    private final String requiredAudience;
    private final int maxTokenBytes;
    private final Clock clock;

    private JwtVerifierSettings(Builder b) {
        this.hmacSecret = b.hmacSecret;
        this.publicKeys = List.copyOf(b.publicKeys);
        this.jwksUrl = b.jwksUrl;
        this.jwksRefreshInterval = b.jwksRefreshInterval;
        this.unknownKidRefreshInterval = b.unknownKidRefreshInterval;
        this.jwksFetchTimeout = b.jwksFetchTimeout;
        this.tenantClaim = b.tenantClaim;
        this.singleTenant = b.singleTenant;
        this.expRequired = b.expRequired;
        this.skew = b.skew;
        this.maxTokenAge = b.maxTokenAge;
        this.requiredIssuer = b.requiredIssuer;
        this.requiredAudience = b.requiredAudience;
        this.maxTokenBytes = b.maxTokenBytes;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy, so that nobody holding the settings can change the secret under the verifier. */
    Optional<byte[]> hmacSecret() {
        return Optional.ofNullable(hmacSecret).map(byte[]::clone);
    }

    public boolean hasHmacSecret() {
        return hmacSecret != null;
    }

    List<VerificationKey> publicKeys() {
        return publicKeys;
    }

    public int publicKeyCount() {
        return publicKeys.size();
    }

    public Optional<URI> jwksUrl() {
        return Optional.ofNullable(jwksUrl);
    }

    public Duration jwksRefreshInterval() {
        return jwksRefreshInterval;
    }

    public Duration unknownKidRefreshInterval() {
        return unknownKidRefreshInterval;
    }

    public Duration jwksFetchTimeout() {
        return jwksFetchTimeout;
    }

    public String tenantClaim() {
        return tenantClaim;
    }

    /** The tenant given to tokens without a tenant claim; empty when the claim is required. */
    public Optional<String> singleTenant() {
        return Optional.ofNullable(singleTenant);
    }

    public boolean expRequired() {
        return expRequired;
    }

    public Duration skew() {
        return skew;
    }

    /** Tokens whose {@code iat} is older than this (plus skew) are refused; zero: no limit. */
    public Duration maxTokenAge() {
        return maxTokenAge;
    }

    public Optional<String> requiredIssuer() {
        return Optional.ofNullable(requiredIssuer);
    }

    public Optional<String> requiredAudience() {
        return Optional.ofNullable(requiredAudience);
    }

    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        // Never print the secret: settings end up in start-up logs.
        return "JwtVerifierSettings{hmac=" + (hmacSecret != null) + ", publicKeys=" + publicKeys.size()
                + ", jwks=" + jwksUrl + ", tenantClaim=" + tenantClaim + ", singleTenant="
                + singleTenant + ", expRequired=" + expRequired + ", skew=" + skew + ", iss="
                + requiredIssuer + ", aud=" + requiredAudience + "}";
    }

    public static final class Builder {
        private byte[] hmacSecret;
        private final List<VerificationKey> publicKeys = new ArrayList<>();
        private boolean noKeys;
        private URI jwksUrl;
        private Duration jwksRefreshInterval = DEFAULT_JWKS_REFRESH;
        private Duration unknownKidRefreshInterval = DEFAULT_UNKNOWN_KID_REFRESH;
        private Duration jwksFetchTimeout = DEFAULT_JWKS_FETCH_TIMEOUT;
        private String tenantClaim = DEFAULT_TENANT_CLAIM;
        private String singleTenant;
        private boolean expRequired = true;
        /** The session ends at exp + skew too, so both read the one default. */
        private Duration skew = io.rtgw.core.SessionSettings.DEFAULT_SKEW;
        private Duration maxTokenAge = DEFAULT_MAX_TOKEN_AGE;
        private String requiredIssuer;
        private String requiredAudience;
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The HS256/384/512 secret as its UTF-8 bytes — the way the popular JWT libraries treat a
         * string secret, so the app and the gateway agree without base64 surprises.
         */
        public Builder hmacSecret(String secret) {
            Objects.requireNonNull(secret, "secret");
            return hmacSecret(secret.getBytes(StandardCharsets.UTF_8));
        }

        public Builder hmacSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("RTGW_JWT_SECRET is too short: " + secret.length
                        + " bytes, at least " + MIN_SECRET_BYTES + " are required (a shorter HMAC"
                        + " secret can be guessed offline from any one token)");
            }
            this.hmacSecret = secret.clone();
            return this;
        }

        /**
         * RS256/PS256/ES256 verification keys from PEM text ({@code PUBLIC KEY} or
         * {@code CERTIFICATE} blocks; several blocks at once for rotation). The keys carry no
         * {@code kid}, so they are tried for any token of a matching algorithm.
         */
        public Builder publicKeyPem(String pem) {
            publicKeys.addAll(PemPublicKeys.parse(pem, null));
            return this;
        }

        /** Like {@link #publicKeyPem(String)} but the keys answer only tokens with this {@code kid}. */
        public Builder publicKeyPem(String kid, String pem) {
            requireText(kid, "kid");
            publicKeys.addAll(PemPublicKeys.parse(pem, kid));
            return this;
        }

        public Builder jwksUrl(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("RTGW_JWT_JWKS_URL must be an http(s) URL, got '"
                        + url + "'");
            }
            this.jwksUrl = url;
            return this;
        }

        public Builder jwksUrl(String url) {
            try {
                return jwksUrl(URI.create(Objects.requireNonNull(url, "url").trim()));
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("RTGW_")) {
                    throw e;
                }
                throw new IllegalArgumentException("RTGW_JWT_JWKS_URL is not a URL: '" + url + "'", e);
            }
        }

        /** How often the JWKS is re-fetched even when no unknown kid has been seen. */
        public Builder jwksRefreshInterval(Duration interval) {
            this.jwksRefreshInterval = requirePositive(interval, "jwksRefreshInterval");
            return this;
        }

        /** At most one fetch caused by unknown kids per interval, so a kid flood cannot hammer the JWKS server. */
        public Builder unknownKidRefreshInterval(Duration interval) {
            this.unknownKidRefreshInterval = requireNonNegative(interval, "unknownKidRefreshInterval");
            return this;
        }

        public Builder jwksFetchTimeout(Duration timeout) {
            this.jwksFetchTimeout = requirePositive(timeout, "jwksFetchTimeout");
            return this;
        }

        public Builder tenantClaim(String claimName) {
            this.tenantClaim = requireText(claimName, "tenantClaim");
            return this;
        }

        /** Single-tenant mode: tokens without the tenant claim belong to this tenant. */
        public Builder singleTenant(String tenant) {
            if (!ChannelName.isValidTenant(tenant)) {
                throw new IllegalArgumentException("single tenant '" + tenant
                        + "' must be 1-64 characters of A-Z a-z 0-9 _ -");
            }
            this.singleTenant = tenant;
            return this;
        }

        public Builder expRequired(boolean required) {
            this.expRequired = required;
            return this;
        }

        public Builder skew(Duration skew) {
            this.skew = requireNonNegative(skew, "RTGW_JWT_SKEW");
            return this;
        }

        /** Zero turns the age limit off (user revocations are then kept until lifted). */
        public Builder maxTokenAge(Duration age) {
            this.maxTokenAge = requireNonNegative(age, "RTGW_MAX_TOKEN_AGE");
            return this;
        }

        public Builder requiredIssuer(String issuer) {
            this.requiredIssuer = requireText(issuer, "issuer");
            return this;
        }

        public Builder requiredAudience(String audience) {
            this.requiredAudience = requireText(audience, "audience");
            return this;
        }

        public Builder maxTokenBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxTokenBytes must be at least 64, got " + bytes);
            }
            this.maxTokenBytes = bytes;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds settings without any key: every token is then refused, which is what a node whose
         * connections are all admitted by the app's connect hook wants (docs/protocol.md §11).
         */
        public Builder noKeys() {
            this.noKeys = true;
            return this;
        }

        public JwtVerifierSettings build() {
            if (hmacSecret == null && publicKeys.isEmpty() && jwksUrl == null && !noKeys) {
                throw new IllegalArgumentException("no JWT verification key: set RTGW_JWT_SECRET,"
                        + " RTGW_JWT_PUBLIC_KEY or RTGW_JWT_JWKS_URL");
            }
            return new JwtVerifierSettings(this);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }

        private static Duration requirePositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }

        private static Duration requireNonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + d);
            }
            return d;
        }
    }
}
