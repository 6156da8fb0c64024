package io.rtgw.server;

import io.rtgw.auth.ApiKeySet;
import io.rtgw.auth.JwtAuthenticator;
import io.rtgw.auth.JwtVerifierSettings;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.server.config.GatewayConfig;
import java.util.List;
import java.util.Map;

/** Builds the token verifier and the server API keys from the configuration. */
final class Authentication {
    private Authentication() {
    }

    static JwtAuthenticator tokens(GatewayConfig config) {
        io.rtgw.server.config.JwtConfig jwt = config.jwt();
        JwtVerifierSettings.Builder b = JwtVerifierSettings.builder()
                .skew(jwt.skew())
                .tenantClaim(jwt.tenantClaim())
                .expRequired(jwt.requireExp())
                .maxTokenAge(config.control().maxTokenAge());
        jwt.secret().ifPresent(b::hmacSecret);
        jwt.publicKeys().forEach(b::publicKeyPem);
        jwt.jwksUrl().ifPresent(b::jwksUrl);
        jwt.issuer().ifPresent(b::requiredIssuer);
        jwt.audience().ifPresent(b::requiredAudience);
        jwt.singleTenant().ifPresent(b::singleTenant);
        if (jwt.secret().isEmpty() && jwt.publicKeys().isEmpty() && jwt.jwksUrl().isEmpty()) {
            b.noKeys(); // configuration allows that only with a connect hook: the app admits everyone
        }
        return new JwtAuthenticator(b.build());
    }

    static LiveApiKeys apiKeys(GatewayConfig config) {
        return new LiveApiKeys(apiKeySet(config));
    }

    /** The keys of a configuration as one set, so a reload can swap them in a single step. */
    static ApiKeySet apiKeySet(GatewayConfig config) {
        ApiKeySet.Builder keys = ApiKeySet.builder();
        config.apiKeys().global().forEach(keys::global);
        for (Map.Entry<String, List<String>> tenant : config.apiKeys().byTenant().entrySet()) {
            tenant.getValue().forEach(key -> keys.tenant(key, tenant.getKey()));
        }
        return keys.build();
    }
}
