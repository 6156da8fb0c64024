package io.rtgw.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.ClientIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedSubscribeHookTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> asked = new ArrayList<>();
    private HookVerdict next = HookVerdict.allowed(10, null);
    private final SubscribeHook app = (identity, client, channel) -> {
        asked.add(identity.user() + "/" + channel);
        return CompletableFuture.completedFuture(next);
    };

    private static ClientIdentity user(String name) {
        return new ClientIdentity(name, "acme", 0, List.of(), List.of());
    }

    private HookVerdict decide(CachedSubscribeHook cache, String user, String channel) {
        return cache.decide(user(user), "c1", channel).join();
    }

    @Test
    void anAllowIsKeptForItsTtlPerUserAndChannel() {
        CachedSubscribeHook cache = new CachedSubscribeHook(app, 100, now::get);
        assertThat(decide(cache, "alice", "doc:1").allowed()).isTrue();
        assertThat(decide(cache, "alice", "doc:1").allowed()).isTrue();
        assertThat(decide(cache, "bob", "doc:1").allowed()).isTrue();
        assertThat(decide(cache, "alice", "doc:2").allowed()).isTrue();
        assertThat(asked).containsExactly("alice/doc:1", "bob/doc:1", "alice/doc:2");
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        decide(cache, "alice", "doc:1");
        assertThat(asked).hasSize(4);
    }

    @Test
    void refusalsFailuresAndAllowsWithoutTtlAreNotKept() {
        CachedSubscribeHook cache = new CachedSubscribeHook(app, 100, now::get);
        for (HookVerdict v : List.of(HookVerdict.REFUSED, HookVerdict.UNAVAILABLE, HookVerdict.ALLOWED)) {
            next = v;
            decide(cache, "alice", "doc:1");
            decide(cache, "alice", "doc:1");
        }
        assertThat(asked).hasSize(6);
        assertThat(cache.size()).isZero();
    }

    @Test
    void forgettingAChannelOrAUserAsksAgain() {
        CachedSubscribeHook cache = new CachedSubscribeHook(app, 100, now::get);
        decide(cache, "alice", "doc:1");
        decide(cache, "alice", "doc:2");
        decide(cache, "bob", "doc:1");
        cache.forget("acme", "alice", "doc:1");
        decide(cache, "alice", "doc:1");
        assertThat(asked).hasSize(4);
        cache.forgetUser("acme", "alice");
        decide(cache, "alice", "doc:1");
        decide(cache, "alice", "doc:2");
        decide(cache, "bob", "doc:1");
        assertThat(asked).hasSize(6);
    }

    @Test
    void itIsBoundedAndMakesRoomFromExpiredEntriesOnly() {
        CachedSubscribeHook cache = new CachedSubscribeHook(app, 2, now::get);
        decide(cache, "a", "doc:1");
        decide(cache, "b", "doc:1");
        decide(cache, "c", "doc:1");
        assertThat(cache.size()).isEqualTo(2);
        decide(cache, "c", "doc:1");
        assertThat(asked).as("no room: c asked every time").hasSize(4);
        now.addAndGet(TimeUnit.SECONDS.toNanos(11));
        decide(cache, "c", "doc:1");
        assertThat(cache.size()).isEqualTo(1);
    }
}
