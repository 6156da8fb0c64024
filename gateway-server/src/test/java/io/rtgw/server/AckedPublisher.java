package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An app publishing steadily through the admin API of several nodes in turn (as behind a load
 * balancer), one publication at a time, each with its own idempotency key and retried with that
 * key until a node acknowledges it (docs/protocol.md §6): so an id is recorded only once Redis
 * holds the publication, and no publication is made twice.
 */
final class AckedPublisher implements Runnable, AutoCloseable {
    /** Steady, not flooding: about 100 publications a second leave room for the clients on 2 cores. */
    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<RunningGateway> nodes;
    private final String tenant;
    private final String channel;
    private final List<Acked> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    AckedPublisher(List<RunningGateway> nodes, String tenant, String channel) {
        this.nodes = List.copyOf(nodes);
        this.tenant = tenant;
        this.channel = channel;
        this.thread = new Thread(this, "acked-publisher");
        thread.setDaemon(true);
    }

    AckedPublisher start() {
        thread.start();
        return this;
    }

    /** A publication the app was told about: the id it got and its data, as JSON text. */
    record Acked(String id, String data) {
    }

    /** In the order they were acknowledged, which is publish order: one is in flight at a time. */
    List<Acked> acknowledged() {
        return List.copyOf(acknowledged);
    }

    int ackedCount() {
        return acknowledged.size();
    }

    /** Attempts a node refused (503 while Redis is away) or that failed in transit. */
    int refusedCount() {
        return refused.get();
    }

    @Override
    public void run() {
        int attempt = 0;
        for (int n = 0; !stop; n++) {
            String data = "{\"n\":" + n + "}";
            String body = "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel + "\",\"data\":" + data
                    + ",\"idempotencyKey\":\"fault-" + n + "\"}";
            while (!stop) {
                RunningGateway node = nodes.get(attempt++ % nodes.size());
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.admin("/api/publish"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + RunningGateway.API_KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        acknowledged.add(new Acked(RedisE2e.JSON.readTree(r.body()).path("id").asText(), data));
                        break;
                    }
                    if (r.statusCode() != 503) {
                        unexpected.add(r.statusCode() + " " + r.body());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // in transit: the same key makes the retry safe
                }
                refused.incrementAndGet();
                LockSupport.parkNanos(PACE_NANOS * 5);
            }
            LockSupport.parkNanos(PACE_NANOS);
        }
    }

    /** Stops after the publication in flight, so every acknowledged id is final. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(thread.isAlive()).as("publisher stopped").isFalse();
        assertThat(unexpected).as("answers other than 200, or 503 while Redis is away").isEmpty();
    }
}
