package io.rtgw.core.hooks;

/**
 * The app's answer to a subscribe or publish question (docs/protocol.md §11).
 *
 * @param outcome    allowed, refused, or no answer (the app is down, slow, overloaded)
 * @param ttlSeconds how long an allowed subscribe may be answered from the cache (0: not at all)
 * @param data       a publish's replacement data as compact JSON, or null to keep the client's
 */
public record HookVerdict(Outcome outcome, long ttlSeconds, String data) {
    public enum Outcome { ALLOWED, REFUSED, UNAVAILABLE }

    public static final HookVerdict REFUSED = new HookVerdict(Outcome.REFUSED, 0, null);
    public static final HookVerdict UNAVAILABLE = new HookVerdict(Outcome.UNAVAILABLE, 0, null);
    public static final HookVerdict ALLOWED = new HookVerdict(Outcome.ALLOWED, 0, null);

    public static HookVerdict allowed(long ttlSeconds, String data) {
        return new HookVerdict(Outcome.ALLOWED, Math.max(0, ttlSeconds), data);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }
}
