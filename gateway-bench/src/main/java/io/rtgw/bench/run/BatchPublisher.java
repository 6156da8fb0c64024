package io.rtgw.bench.run;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes many messages per POST (bodies kept under the default 64 KiB limit of the gateway's
 * API). One request in flight at a time, so every channel's messages arrive in order.
 */
abstract class BatchPublisher extends Publisher {
    private static final int MAX_BODY = 60 * 1024;
    private final String open;
    private final String separator;
    private final String close;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    /** A body is {@code open item separator item … close}. */
    BatchPublisher(int channels, String padding, String open, String separator, String close) {
        super(channels, padding);
        this.open = open;
        this.separator = separator;
        this.close = close;
    }

    abstract String item(Msg m);

    abstract HttpRequest request(String body);

    @Override
    final void send(List<Msg> batch) {
        List<Msg> part = new ArrayList<>();
        StringBuilder body = new StringBuilder(open);
        for (Msg m : batch) {
            String item = item(m);
            if (body.length() + item.length() + separator.length() + close.length() > MAX_BODY && !part.isEmpty()) {
                post(body.append(close).toString(), part);
                part = new ArrayList<>();
                body = new StringBuilder(open);
            }
            body.append(part.isEmpty() ? "" : separator).append(item);
            part.add(m);
        }
        post(body.append(close).toString(), part);
    }

    private void post(String body, List<Msg> msgs) {
        HttpRequest req = request(body);
        tail = tail.thenCompose(v -> http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
            if (e == null && r.statusCode() >= 200 && r.statusCode() < 300) {
                msgs.forEach(this::acknowledged);
            } else {
                failures.add(msgs.size());
            }
            inFlight.addAndGet(-msgs.size());
            return null;
        }));
    }
}
