package io.rtgw.core.hooks;

import io.rtgw.core.ClientIdentity;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Answers a subscribe question from the app's earlier allow, per tenant, user and channel, for the
 * {@code ttl} the app gave (docs/protocol.md §11). Refusals and failures are never kept: a
 * permission the app grants works at the next subscribe, and an outage ends with it. An allow is
 * forgotten early when the server API unsubscribes the user from the channel or revokes the
 * user ({@link #forget}, {@link #forgetUser}), on every node, so the next subscribe asks again.
 *
 * <p>Bounded: when full, expired entries are dropped; if it is still full, nothing more is kept
 * until entries expire (questions are then asked every time, never refused for it).
 */
public final class CachedSubscribeHook implements SubscribeHook {
    private final SubscribeHook app;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    /** Key: tenant, user and channel joined by a character none of them may contain; value: expiry (nanos). */
    private final Map<String, Long> allowedUntil = new ConcurrentHashMap<>();

    public CachedSubscribeHook(SubscribeHook app, int maxEntries, LongSupplier nanoClock) {
        this.app = app;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    @Override
    public CompletableFuture<HookVerdict> decide(ClientIdentity identity, String client, String channel) {
        String key = key(identity.tenant(), identity.user(), channel);
        Long until = allowedUntil.get(key);
        if (until != null) {
            if (nanoClock.getAsLong() - until < 0) {
                return CompletableFuture.completedFuture(HookVerdict.ALLOWED);
            }
            allowedUntil.remove(key, until);
        }
        return app.decide(identity, client, channel).thenApply(verdict -> {
            if (verdict.allowed() && verdict.ttlSeconds() > 0 && room()) {
                allowedUntil.put(key, nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(verdict.ttlSeconds()));
            }
            return verdict;
        });
    }

    /** The app ended the user's subscription of the channel: its next subscribe is asked again. */
    public void forget(String tenant, String user, String channel) {
        allowedUntil.remove(key(tenant, user, channel));
    }

    /** The user was revoked: every allow of theirs is asked again. A rare command, so a scan. */
    public void forgetUser(String tenant, String user) {
        String prefix = tenant + '\n' + user + '\n';
        allowedUntil.keySet().removeIf(k -> k.startsWith(prefix));
    }

    int size() {
        return allowedUntil.size();
    }

    private boolean room() {
        if (allowedUntil.size() < maxEntries) {
            return true;
        }
        long now = nanoClock.getAsLong();
        allowedUntil.values().removeIf(until -> now - until >= 0);
        return allowedUntil.size() < maxEntries;
    }

    /** Unambiguous: tenant and channel names hold no newline, so the first and the last one delimit the user. */
    private static String key(String tenant, String user, String channel) {
        return tenant + '\n' + user + '\n' + channel;
    }
}
