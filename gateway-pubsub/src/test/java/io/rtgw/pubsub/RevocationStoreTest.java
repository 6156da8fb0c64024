package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.control.Revocation;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Revocations in Redis: stored, replaced by later ones, lifted, and gone by themselves when they no longer matter. */
class RevocationStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    private RedisServer server;
    private String tenant;
    private String users;
    private String tokens;
    private RedisControlPlane plane;

    @BeforeEach
    void keys() {
        server = redis.server();
        tenant = redis.tenant();
        users = redis.keyPrefix() + ":{~revocations}:users";
        tokens = redis.keyPrefix() + ":{~revocations}:tokens";
    }

    @AfterEach
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private RedisControlPlane started(Duration maxTokenAge) throws Exception {
        plane = ControlPlanes.create(server.uri(), redis.keyPrefix(), Duration.ofSeconds(1), maxTokenAge);
        plane.start("node-r", new ControlPlanes.Recorder(0)).get(30, TimeUnit.SECONDS);
        return plane;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void storedRevocationsAreListedALaterBeforeWinsAndLiftingRemovesThem() throws Exception {
        RedisControlPlane p = started(Duration.ofHours(24));
        long now = now();
        Revocation alice = Revocation.ofUser(tenant, "alice", now);
        Revocation token = Revocation.ofToken(tenant, "jti|with|bars", now + 600);
        p.storeRevocation(alice).get(10, TimeUnit.SECONDS);
        p.storeRevocation(token).get(10, TimeUnit.SECONDS);
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(alice, token);

        // an earlier "before" arriving later does not shorten the revocation (ZADD GT)
        p.storeRevocation(Revocation.ofUser(tenant, "alice", now - 100)).get(10, TimeUnit.SECONDS);
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(alice, token);
        Revocation later = Revocation.ofUser(tenant, "alice", now + 5);
        p.storeRevocation(later).get(10, TimeUnit.SECONDS);
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(later, token);

        // the keys expire by themselves with their newest entry
        long usersExpireAt = Long.parseLong(server.cli("EXPIRETIME", users));
        assertThat(usersExpireAt).isEqualTo(now + 5 + 24 * 3600 + 1);
        assertThat(Long.parseLong(server.cli("EXPIRETIME", tokens))).isEqualTo(now + 600 + 1);

        assertThat(p.removeRevocation(alice).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.removeRevocation(alice).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(p.removeRevocation(Revocation.ofToken(tenant, "jti|with|bars", 0)).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void revocationsExpireByThemselvesAndLeaveNoKeysBehind() throws Exception {
        RedisControlPlane p = started(Duration.ofSeconds(2));
        long now = now();
        p.storeRevocation(Revocation.ofUser(tenant, "alice", now)).get(10, TimeUnit.SECONDS);
        p.storeRevocation(Revocation.ofToken(tenant, "jti-1", now + 1)).get(10, TimeUnit.SECONDS);
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).hasSize(2);
        // nothing prunes them: Redis drops the keys, and the reads skip what is past in the meantime
        await().atMost(WAIT).until(() -> p.revocations().get(10, TimeUnit.SECONDS).isEmpty());
        await().atMost(WAIT).until(() -> server.cli("EXISTS", users, tokens).equals("0"));
    }

    @Test
    void aRevocationAlreadyPastIsNotKeptAndPrunesItsNeighbours() throws Exception {
        RedisControlPlane p = started(Duration.ofSeconds(60));
        long now = now();
        server.cli("ZADD", users, Long.toString(now - 3600), tenant + "|old");
        p.storeRevocation(Revocation.ofUser(tenant, "ancient", now - 7200)).get(10, TimeUnit.SECONDS);
        assertThat(server.cli("EXISTS", users)).isEqualTo("0");
        assertThat(p.removeRevocation(Revocation.ofUser(tenant, "ancient", 0)).get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void withoutAMaximumTokenAgeUserRevocationsNeverExpire() throws Exception {
        RedisControlPlane p = started(Duration.ZERO);
        Revocation old = Revocation.ofUser(tenant, "alice", 1_000_000L);
        p.storeRevocation(old).get(10, TimeUnit.SECONDS);
        assertThat(server.cli("TTL", users)).isEqualTo("-1");
        assertThat(p.revocations().get(10, TimeUnit.SECONDS)).containsExactly(old);
    }
}
