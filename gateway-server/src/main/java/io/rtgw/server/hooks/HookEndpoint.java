package io.rtgw.server.hooks;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hook URL of the app: POSTs JSON through a {@link Sender} and hands the answer to the hook's
 * reader, at most {@code maxInFlight} at once, behind a {@link Circuit}; counts every question.
 */
final class HookEndpoint {
    private static final Logger log = LoggerFactory.getLogger(HookEndpoint.class);

    /** What the hook's reader makes of a 200, and how it is counted; {@code problem} says what did not read. */
    record Judged<T>(T verdict, HookResult result, String problem) {
        Judged(T verdict, HookResult result) {
            this(verdict, result, null);
        }
    }

    /** Reads a 200 answer's body; never throws. */
    interface Reader<T> {
        Judged<T> read(String body);
    }

    /**
     * @param refused the verdict for any status but 200 and 5xx
     * @param noAnswer the verdict when the app did not answer (down, slow, overloaded, circuit open, 5xx)
     */
    record Verdicts<T>(Reader<T> ok, T refused, T noAnswer) {
    }

    /** An answer's status and body. */
    record Reply(int status, String body) {
    }

    /** Sends one question; completes with the answer, or fails ({@link TimeoutException} when too late). */
    interface Sender {
        CompletableFuture<Reply> post(String json, String cookie, String authorization);
    }

    private final String name;
    private final URI url;
    private final int maxInFlight;
    private final Sender sender;
    private final Circuit circuit;
    private final HookMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** One log line per outage, not one per connection: set while the app is failing. */
    private volatile boolean failingLogged;

    HookEndpoint(String name, URI url, int maxInFlight, Sender sender, MeterRegistry registry) {
        this.name = name;
        this.url = url;
        this.maxInFlight = maxInFlight;
        this.sender = sender;
        this.circuit = new Circuit(System::nanoTime, Circuit.OPEN_NANOS);
        this.metrics = new HookMetrics(registry, name);
    }

    /**
     * POSTs {@code json} (with the client's {@code Cookie} and {@code Authorization}, when given) and
     * completes with the verdict; never completes exceptionally.
     */
    <T> CompletableFuture<T> ask(String json, String cookie, String authorization, Verdicts<T> verdicts) {
        if (!circuit.allows()) {
            metrics.counted(HookResult.CIRCUIT_OPEN);
            return CompletableFuture.completedFuture(verdicts.noAnswer());
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            metrics.counted(HookResult.OVERLOADED);
            return CompletableFuture.completedFuture(verdicts.noAnswer());
        }
        long start = System.nanoTime();
        CompletableFuture<T> verdict;
        try {
            verdict = sender.post(json, cookie, authorization).handle((reply, error) -> judged(reply, error, start, verdicts));
        } catch (RuntimeException e) {
            verdict = CompletableFuture.completedFuture(judged(null, e, start, verdicts));
        }
        return verdict;
    }

    private <T> T judged(Reply response, Throwable error, long start, Verdicts<T> verdicts) {
        inFlight.decrementAndGet();
        metrics.answeredAfter(System.nanoTime() - start);
        Judged<T> judged;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            judged = new Judged<>(verdicts.noAnswer(),
                    cause instanceof TimeoutException ? HookResult.TIMEOUT : HookResult.FAILED);
            failing(judged.result(), cause instanceof ConnectException ? "connection refused" : cause.toString());
        } else if (response.status() >= 500) {
            judged = new Judged<>(verdicts.noAnswer(), HookResult.FAILED);
            failing(HookResult.FAILED, "status " + response.status());
        } else if (response.status() != 200) {
            judged = new Judged<>(verdicts.refused(), HookResult.REFUSED);
        } else {
            judged = verdicts.ok().read(response.body());
            if (judged.result() == HookResult.INVALID) {
                log.warn("the {} hook answered 200 with a body that does not read as its answer ({}); refused", name,
                        judged.problem());
            }
        }
        if (judged.result().appFailure()) {
            circuit.failed();
        } else {
            circuit.succeeded();
            if (failingLogged) {
                failingLogged = false;
                log.info("the {} hook answers again", name);
            }
        }
        metrics.counted(judged.result());
        return judged.verdict();
    }

    private void failing(HookResult result, String why) {
        if (!failingLogged) {
            failingLogged = true;
            log.warn("the {} hook at {} did not answer ({}: {}); its questions are answered as unavailable until it does",
                    name, url, result.label(), why);
        }
    }

    String name() {
        return name;
    }
}
