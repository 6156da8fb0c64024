package io.rtgw.server.hooks;

/** The {@code result} label of {@code rtgw_hook_requests_total} (docs/operations.md). */
enum HookResult {
    /** The app said yes. */
    ALLOWED,
    /** The app said no (401/403, or any answer other than a yes). */
    REFUSED,
    /** 200 with an answer that does not read: refused, and worth an alert. */
    INVALID,
    /** The app did not answer in time. */
    TIMEOUT,
    /** The app could not be reached, or answered 5xx. */
    FAILED,
    /** Too many questions to this hook were open already: not asked. */
    OVERLOADED,
    /** The app failed repeatedly just before: not asked for a few seconds. */
    CIRCUIT_OPEN;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether it tells of a dead or sick app, which the circuit counts. */
    boolean appFailure() {
        return this == TIMEOUT || this == FAILED;
    }
}
