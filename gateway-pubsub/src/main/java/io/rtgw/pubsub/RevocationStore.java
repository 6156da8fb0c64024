package io.rtgw.pubsub;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.control.Revocation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The revocations of docs/protocol.md §7 in two sorted sets (docs/scaling.md, "Control plane keys
 * in Redis"): users scored by {@code before}, tokens by {@code exp}. Each write also prunes what
 * no longer matters and sets the key to expire with its newest entry, so the sets stay small and
 * vanish by themselves when no node is left to prune them; a user revocation is kept for
 * {@code maxTokenAge + skew} after its {@code before} (forever when the age is 0), a token's for
 * {@code skew} after its {@code exp}, as {@link Revocation#keptUntil} says. With the append-only
 * file on, Redis keeps them across its restarts.
 */
final class RevocationStore {
    /**
     * KEYS[1] the set; ARGV: score, member, lowest score still active, seconds an entry is kept
     * after its score (-1: forever). GT: a later {@code before} (or {@code exp}) wins.
     */
    private static final String STORE = """
            redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
            local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            if #newest == 0 then return 0 end
            if ARGV[4] == '-1' then
              redis.call('PERSIST', KEYS[1])
            else
              redis.call('EXPIREAT', KEYS[1], string.format('%d', tonumber(newest[2]) + tonumber(ARGV[4]) + 1))
            end
            return 1
            """;

    /** KEYS[1] the set; ARGV: member, lowest score still active. 1 if an active entry was removed. */
    private static final String REMOVE = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[1])
            if tonumber(score) < tonumber(ARGV[2]) then return 0 end
            return 1
            """;

    private final Supplier<RedisClusterAsyncCommands<String, String>> commands;
    private final ControlKeys keys;
    private final Duration maxTokenAge;
    private final Duration skew;
    private final Clock clock;

    RevocationStore(Supplier<RedisClusterAsyncCommands<String, String>> commands, ControlKeys keys,
                    Duration maxTokenAge, Duration skew, Clock clock) {
        this.commands = commands;
        this.keys = keys;
        this.maxTokenAge = maxTokenAge;
        this.skew = skew;
        this.clock = clock;
    }

    CompletableFuture<Void> store(Revocation r) {
        try {
            long keep = keptAfterScore(r.byUser());
            String[] args = {Long.toString(score(r)), member(r), Long.toString(activeFrom(r.byUser())),
                    Long.toString(keep)};
            return commands.get().<Long>eval(STORE, ScriptOutputType.INTEGER, new String[]{key(r)}, args)
                    .toCompletableFuture().thenApply(stored -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CompletableFuture<Boolean> remove(Revocation r) {
        try {
            String[] args = {member(r), Long.toString(activeFrom(r.byUser()))};
            return commands.get().<Long>eval(REMOVE, ScriptOutputType.INTEGER, new String[]{key(r)}, args)
                    .toCompletableFuture().thenApply(removed -> removed == 1L);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The active revocations: both reads go out together (one slot, one round trip on Cluster too). */
    CompletableFuture<List<Revocation>> active() {
        try {
            RedisClusterAsyncCommands<String, String> redis = commands.get();
            CompletableFuture<List<ScoredValue<String>>> users = redis.zrangebyscoreWithScores(keys.userRevocations(),
                    activeRange(true)).toCompletableFuture();
            CompletableFuture<List<ScoredValue<String>>> tokens = redis.zrangebyscoreWithScores(keys.tokenRevocations(),
                    activeRange(false)).toCompletableFuture();
            return users.thenCombine(tokens, (u, t) -> {
                List<Revocation> out = new ArrayList<>(u.size() + t.size());
                for (ScoredValue<String> entry : u) {
                    int bar = entry.getValue().indexOf('|');
                    if (bar > 0) {
                        out.add(Revocation.ofUser(entry.getValue().substring(0, bar), entry.getValue().substring(bar + 1),
                                (long) entry.getScore()));
                    }
                }
                for (ScoredValue<String> entry : t) {
                    int bar = entry.getValue().indexOf('|');
                    if (bar > 0) {
                        out.add(Revocation.ofToken(entry.getValue().substring(0, bar), entry.getValue().substring(bar + 1),
                                (long) entry.getScore()));
                    }
                }
                return out;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String key(Revocation r) {
        return r.byUser() ? keys.userRevocations() : keys.tokenRevocations();
    }

    private static long score(Revocation r) {
        return r.byUser() ? r.before() : r.exp();
    }

    private static String member(Revocation r) {
        return ControlKeys.member(r.tenant(), r.byUser() ? r.user() : r.jti());
    }

    private boolean keptForever(boolean byUser) {
        return byUser && maxTokenAge.isZero();
    }

    /** Seconds an entry stays active after its score, -1 for ever. */
    private long keptAfterScore(boolean byUser) {
        if (keptForever(byUser)) {
            return -1;
        }
        return (byUser ? maxTokenAge.toSeconds() : 0) + skew.toSeconds();
    }

    /** The lowest score still active now: {@code keptUntil >= now} written on the score. */
    private long activeFrom(boolean byUser) {
        return keptForever(byUser) ? Long.MIN_VALUE : clock.millis() / 1000 - keptAfterScore(byUser);
    }

    private Range<Long> activeRange(boolean byUser) {
        return keptForever(byUser) ? Range.unbounded()
                : Range.from(Range.Boundary.including(activeFrom(byUser)), Range.Boundary.unbounded());
    }
}
