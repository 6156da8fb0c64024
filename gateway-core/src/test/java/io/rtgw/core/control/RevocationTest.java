package io.rtgw.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.ClientIdentity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tokens a revocation covers, and how long it must be kept (docs/protocol.md §7). */
class RevocationTest {
    static ClientIdentity token(String tenant, String user, long iat, String jti) {
        return new ClientIdentity(user, tenant, 0, List.of(), List.of(), iat, jti);
    }

    @Test
    void aUserRevocationCoversTheUsersTokensIssuedBeforeItAndTokensWithoutIat() {
        Revocation r = Revocation.ofUser("acme", "alice", 1000);
        assertThat(r.covers(token("acme", "alice", 999, null))).isTrue();
        assertThat(r.covers(token("acme", "alice", 0, null))).as("no iat counts as earlier").isTrue();
        assertThat(r.covers(token("acme", "alice", 1000, null))).as("issued at `before`: a new token").isFalse();
        assertThat(r.covers(token("acme", "alice", 1001, "j1"))).isFalse();
        assertThat(r.covers(token("acme", "bob", 999, null))).isFalse();
        assertThat(r.covers(token("other", "alice", 999, null))).as("tenants are apart").isFalse();
    }

    @Test
    void aTokenRevocationCoversThatJtiInItsTenantOnly() {
        Revocation r = Revocation.ofToken("acme", "j1", 5000);
        assertThat(r.covers(token("acme", "alice", 0, "j1"))).isTrue();
        assertThat(r.covers(token("acme", "bob", 4000, "j1"))).isTrue();
        assertThat(r.covers(token("acme", "alice", 0, "j2"))).isFalse();
        assertThat(r.covers(token("acme", "alice", 0, null))).isFalse();
        assertThat(r.covers(token("other", "alice", 0, "j1"))).isFalse();
    }

    @Test
    void aUserRevocationIsKeptForTheMaximumTokenAgeAndATokenRevocationUntilItsExpiryBothWithSkew() {
        Duration skew = Duration.ofSeconds(30);
        assertThat(Revocation.ofUser("acme", "alice", 1000).keptUntil(Duration.ofHours(24), skew))
                .isEqualTo(1000 + 86_400 + 30);
        assertThat(Revocation.ofUser("acme", "alice", 1000).keptUntil(Duration.ZERO, skew))
                .as("no maximum age: kept until lifted").isEqualTo(Long.MAX_VALUE);
        assertThat(Revocation.ofToken("acme", "j1", 5000).keptUntil(Duration.ofHours(24), skew)).isEqualTo(5030);
    }

    @Test
    void aRevocationNamesEitherAUserOrAToken() {
        assertThatThrownBy(() -> new Revocation("acme", "alice", 1, "j1", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Revocation("acme", null, 1, null, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Revocation.ofUser("acme", "a", 1).key()).isNotEqualTo(Revocation.ofToken("acme", "a", 1).key());
    }
}
