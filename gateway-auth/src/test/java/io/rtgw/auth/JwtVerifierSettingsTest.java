package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwtVerifierSettingsTest {
    @Test
    void shortSecretsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> JwtVerifierSettings.builder().hmacSecret("0123456789abcdef0123456789abcde"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RTGW_JWT_SECRET")
                .hasMessageContaining("31 bytes")
                .hasMessageNotContaining("0123456789abcdef");
        assertThat(JwtVerifierSettings.builder().hmacSecret("0123456789abcdef0123456789abcdef").build().hasHmacSecret()).isTrue();
    }

    @Test
    void aVerificationKeySourceIsRequired() {
        assertThatThrownBy(() -> JwtVerifierSettings.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RTGW_JWT_SECRET").hasMessageContaining("RTGW_JWT_JWKS_URL");
    }

    @Test
    void defaultsFollowTheProtocol() {
        JwtVerifierSettings s = JwtVerifierSettings.builder().hmacSecret(TestTokens.SECRET).build();
        assertThat(s.skew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.tenantClaim()).isEqualTo("tenant");
        assertThat(s.expRequired()).isTrue();
        assertThat(s.maxTokenBytes()).isEqualTo(8192);
        assertThat(s.singleTenant()).isEmpty();
        assertThat(s.jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.unknownKidRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.toString()).doesNotContain(TestTokens.SECRET);
    }

    @Test
    void badValuesFailAtBuildTime() {
        assertThatThrownBy(() -> JwtVerifierSettings.builder().jwksUrl("ftp://keys.example/jwks"))
                .hasMessageContaining("RTGW_JWT_JWKS_URL");
        assertThatThrownBy(() -> JwtVerifierSettings.builder().jwksUrl("http://exa mple"))
                .hasMessageContaining("RTGW_JWT_JWKS_URL");
        assertThatThrownBy(() -> JwtVerifierSettings.builder().skew(Duration.ofSeconds(-1)))
                .hasMessageContaining("RTGW_JWT_SKEW");
        assertThatThrownBy(() -> JwtVerifierSettings.builder().singleTenant("a:b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
