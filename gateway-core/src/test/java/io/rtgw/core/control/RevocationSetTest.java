package io.rtgw.core.control;

import static io.rtgw.core.control.RevocationTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's in-memory revocation set: merged, pruned, replaced, and judged without I/O. */
class RevocationSetTest {
    private final AtomicLong nowSeconds = new AtomicLong(10_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(nowSeconds.get());
        }
    };
    private final RevocationSet set = new RevocationSet(Duration.ofSeconds(100), Duration.ofSeconds(10), clock);

    @Test
    void ofTwoRevocationsOfOneUserTheLaterBeforeWinsInWhateverOrderTheyArrive() {
        set.add(Revocation.ofUser("acme", "alice", 9_990));
        set.add(Revocation.ofUser("acme", "alice", 9_950));
        assertThat(set.revoked(token("acme", "alice", 9_980, null))).isTrue();
        assertThat(set.of("acme")).singleElement().extracting(Revocation::before).isEqualTo(9_990L);

        RevocationSet other = new RevocationSet(Duration.ofSeconds(100), Duration.ofSeconds(10), clock);
        other.add(Revocation.ofUser("acme", "alice", 9_950));
        other.add(Revocation.ofUser("acme", "alice", 9_990));
        assertThat(other.of("acme")).singleElement().extracting(Revocation::before).isEqualTo(9_990L);
    }

    @Test
    void aTokenIsRevokedByItsUserOrItsJtiAndOnlyWhileTheRevocationIsKept() {
        set.add(Revocation.ofToken("acme", "j1", 10_050));
        assertThat(set.revoked(token("acme", "bob", 0, "j1"))).isTrue();
        assertThat(set.revoked(token("acme", "bob", 0, "j2"))).isFalse();
        assertThat(set.revoked(token("acme", "bob", 0, null))).isFalse();
        nowSeconds.set(10_061); // past exp + skew: the token is refused as expired anyway
        assertThat(set.revoked(token("acme", "bob", 0, "j1"))).isFalse();
        assertThat(set.of("acme")).isEmpty();
    }

    @Test
    void pruneForgetsRevocationsWhoseTokensAreRefusedAnywayByNow() {
        set.add(Revocation.ofUser("acme", "alice", 9_990)); // kept until 9990 + 100 + 10
        set.add(Revocation.ofToken("acme", "j1", 10_500));
        set.prune();
        assertThat(set.size()).isEqualTo(2);
        nowSeconds.set(10_101);
        set.prune();
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.of("acme")).singleElement().extracting(Revocation::jti).isEqualTo("j1");
    }

    @Test
    void replaceAllTakesTheStoredSetAndMarksItLoaded() {
        assertThat(set.loaded()).as("nothing can be judged before the first read").isFalse();
        set.add(Revocation.ofUser("acme", "gone", 9_990));
        set.replaceAll(List.of(Revocation.ofUser("acme", "alice", 9_990), Revocation.ofToken("beta", "j1", 10_500)));
        assertThat(set.loaded()).isTrue();
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.revoked(token("acme", "gone", 0, null))).as("lifted while the node was away").isFalse();
        assertThat(set.revoked(token("acme", "alice", 0, null))).isTrue();
        assertThat(set.of("beta")).singleElement().extracting(Revocation::jti).isEqualTo("j1");
        set.replaceAll(List.of());
        assertThat(set.size()).isZero();
        assertThat(set.loaded()).isTrue();
    }

    @Test
    void aLiftedRevocationNoLongerRefuses() {
        Revocation r = Revocation.ofUser("acme", "alice", 9_990);
        set.add(r);
        set.remove(r);
        assertThat(set.revoked(token("acme", "alice", 0, null))).isFalse();
    }
}
