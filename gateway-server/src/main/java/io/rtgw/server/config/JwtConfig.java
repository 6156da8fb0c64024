package io.rtgw.server.config;

import io.rtgw.core.ChannelName;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code RTGW_JWT_*} configuration: how client tokens are to be verified, as configured.
 * The server turns it into the verifier's {@link io.rtgw.auth.JwtVerifierSettings}. At least one of
 * {@code secret}, {@code jwksUrl} and {@code publicKeys} is present (start-up refuses otherwise).
 *
 * @param secret          HMAC secret (UTF-8 bytes of the text, at least 32)
 * @param secretGenerated true when dev mode made the secret up; the caller prints it
 * @param publicKeys      PEM blocks, one key or certificate each, already read from any files
 * @param singleTenant    tenant given to tokens that carry no tenant claim; empty = the claim is required
 */
public record JwtConfig(Optional<String> secret, boolean secretGenerated, Optional<URI> jwksUrl,
        List<String> publicKeys, Duration skew, String tenantClaim, Optional<String> issuer,
        Optional<String> audience, boolean requireExp, Optional<String> singleTenant) {
    /** docs/protocol.md §3: HS256 needs a 256-bit key. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Beyond this an expired token stays usable for longer than any sane clock drift. */
    static final Duration MAX_SKEW = Duration.ofMinutes(10);

    public JwtConfig {
        publicKeys = List.copyOf(publicKeys);
    }

    /** The secret is a credential: a logged config must not reveal it. */
    @Override
    public String toString() {
        return "JwtConfig[secret=" + (secret.isPresent() ? "***" : "none") + ", secretGenerated=" + secretGenerated
                + ", jwksUrl=" + jwksUrl.map(URI::toString).orElse("none") + ", publicKeys=" + publicKeys.size()
                + ", skew=" + Formats.format(skew) + ", tenantClaim=" + tenantClaim + ", issuer=" + issuer.orElse("any")
                + ", audience=" + audience.orElse("any") + ", requireExp=" + requireExp
                + ", singleTenant=" + singleTenant.orElse("none") + "]";
    }

    /** @param connectHook a connect hook admits connections without tokens, so no verification key is needed */
    static JwtConfig from(SettingReader r, boolean dev, boolean connectHook) {
        Optional<String> secret = r.string(Setting.JWT_SECRET);
        secret.ifPresent(s -> {
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SECRET_BYTES) {
                throw SettingReader.invalidSecret(r.raw(Setting.JWT_SECRET), "is " + bytes + " bytes long, too short",
                        "at least " + MIN_SECRET_BYTES + " bytes; make one with: openssl rand -base64 32");
            }
        });
        Optional<URI> jwks = r.string(Setting.JWT_JWKS_URL).map(u -> jwksUrl(r, u));
        List<String> keys = r.isSet(Setting.JWT_PUBLIC_KEY) ? PemKeys.read(r.raw(Setting.JWT_PUBLIC_KEY)) : List.of();
        boolean generated = false;
        if (secret.isEmpty() && jwks.isEmpty() && keys.isEmpty() && !connectHook) {
            if (!dev) {
                throw new ConfigException(Setting.JWT_SECRET.envName() + " is required (expected: a secret of at least "
                        + MIN_SECRET_BYTES + " bytes, or " + Setting.JWT_PUBLIC_KEY.envName() + " or "
                        + Setting.JWT_JWKS_URL.envName() + "; or start with --dev to generate a secret)");
            }
            secret = Optional.of(Secrets.generate());
            generated = true;
        }
        Duration skew = r.duration(Setting.JWT_SKEW, io.rtgw.core.SessionSettings.DEFAULT_SKEW, Duration.ZERO);
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw SettingReader.invalid(r.raw(Setting.JWT_SKEW), "is too long", "a duration of at most 10m, like 30s");
        }
        String claim = r.string(Setting.JWT_TENANT_CLAIM, io.rtgw.auth.JwtVerifierSettings.DEFAULT_TENANT_CLAIM);
        if (claim.isEmpty() || claim.chars().anyMatch(Character::isWhitespace)) {
            throw SettingReader.invalid(r.raw(Setting.JWT_TENANT_CLAIM), "is not a claim name", "a claim name like tenant");
        }
        Optional<String> single = r.string(Setting.SINGLE_TENANT);
        if (single.isPresent() && !ChannelName.isValidTenant(single.get())) {
            throw SettingReader.invalid(r.raw(Setting.SINGLE_TENANT), "is not a valid tenant id",
                    "1-64 characters of A-Z a-z 0-9 _ -");
        }
        return new JwtConfig(secret, generated, jwks, keys, skew, claim, r.string(Setting.JWT_ISSUER),
                r.string(Setting.JWT_AUDIENCE), r.bool(Setting.JWT_REQUIRE_EXP, true), single);
    }

    private static URI jwksUrl(SettingReader r, String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme)) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the same message as a wrong scheme
        }
        throw SettingReader.invalid(r.raw(Setting.JWT_JWKS_URL), "is not an http(s) URL",
                "a URL like https://auth.example.com/.well-known/jwks.json");
    }
}
