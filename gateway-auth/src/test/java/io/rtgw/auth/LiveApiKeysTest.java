package io.rtgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveApiKeysTest {
    private static final String GLOBAL = "global-key-0123456789";
    private static final String GLOBAL_NEXT = "global-key-next-0123456789";
    private static final String ACME = "acme-key-0123456789";

    private final LiveApiKeys keys = new LiveApiKeys(ApiKeySet.builder()
            .global(GLOBAL).global(GLOBAL_NEXT).tenant(ACME, "acme").build());

    @Test
    void globalKeysAllowEveryTenant() {
        Optional<ApiKeyScope> scope = keys.check(GLOBAL);
        assertThat(scope).contains(ApiKeyScope.global());
        assertThat(scope.get().isGlobal()).isTrue();
        assertThat(scope.get().allows("acme")).isTrue();
        assertThat(scope.get().allows("globex")).isTrue();
        assertThat(keys.check(GLOBAL_NEXT)).contains(ApiKeyScope.global());
    }

    @Test
    void tenantKeysAllowOnlyTheirTenant() {
        ApiKeyScope scope = keys.check(ACME).orElseThrow();
        assertThat(scope.isGlobal()).isFalse();
        assertThat(scope.boundTenant()).contains("acme");
        assertThat(scope.allows("acme")).isTrue();
        assertThat(scope.allows("globex")).isFalse();
        assertThat(scope.allows(null)).isFalse();
    }

    @Test
    void unknownNearMissAndEmptyKeysAreRefused() {
        assertThat(keys.check("nope-nope-nope-nope")).isEmpty();
        assertThat(keys.check(GLOBAL + "x")).isEmpty();
        assertThat(keys.check(GLOBAL.substring(1))).isEmpty();
        assertThat(keys.check("")).isEmpty();
        assertThat(keys.check(null)).isEmpty();
    }

    @Test
    void authorizationHeadersNeedTheBearerScheme() {
        assertThat(keys.checkAuthorizationHeader("Bearer " + ACME)).isPresent();
        assertThat(keys.checkAuthorizationHeader("bearer " + ACME)).isPresent();
        assertThat(keys.checkAuthorizationHeader("Basic " + ACME)).isEmpty();
        assertThat(keys.checkAuthorizationHeader(ACME)).isEmpty();
        assertThat(keys.checkAuthorizationHeader("Bearer ")).isEmpty();
        assertThat(keys.checkAuthorizationHeader(null)).isEmpty();
    }

    @Test
    void replacingTheSetRotatesKeysWithoutRestart() {
        keys.replace(ApiKeySet.builder().global(GLOBAL_NEXT).tenant("acme-key-rotated-0123", "acme").build());
        assertThat(keys.check(GLOBAL)).isEmpty();
        assertThat(keys.check(ACME)).isEmpty();
        assertThat(keys.check(GLOBAL_NEXT)).contains(ApiKeyScope.global());
        assertThat(keys.check("acme-key-rotated-0123")).contains(ApiKeyScope.tenant("acme"));
        assertThat(keys.current().size()).isEqualTo(2);
    }

    @Test
    void weakDuplicateAndBadTenantKeysAreRefusedAtStart() {
        assertThatThrownBy(() -> ApiKeySet.builder().global("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RTGW_API_KEY")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> ApiKeySet.builder().global(GLOBAL).tenant(GLOBAL, "acme"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ApiKeySet.builder().tenant(ACME, "ac:me"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ApiKeySet.empty().check(GLOBAL)).isEmpty();
    }
}
