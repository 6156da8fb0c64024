package io.rtgw.bench.run;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * POST /api/publish with a JSON array per request (bodies kept under the default 64 KiB limit).
 * One request in flight at a time, so every channel's messages reach the broker in order.
 */
final class RtgwPublisher extends Publisher {
    private static final int MAX_BODY = 60 * 1024;
    private final URI uri;
    private final String apiKey;
    private final String tenant;
    private final String prefix;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    RtgwPublisher(URI uri, String apiKey, String tenant, String prefix, int channels, String padding) {
        super(channels, padding);
        this.uri = uri;
        this.apiKey = apiKey;
        this.tenant = tenant;
        this.prefix = prefix;
    }

    @Override
    void send(List<Msg> batch) {
        List<Msg> part = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        for (Msg m : batch) {
            String item = "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + prefix + m.channel() + "\",\"data\":" + m.json() + "}";
            if (body.length() + item.length() + 2 > MAX_BODY && !part.isEmpty()) {
                post(body.append(']').toString(), part);
                part = new ArrayList<>();
                body = new StringBuilder("[");
            }
            body.append(part.isEmpty() ? "" : ",").append(item);
            part.add(m);
        }
        post(body.append(']').toString(), part);
    }

    private void post(String body, List<Msg> msgs) {
        HttpRequest req = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        tail = tail.thenCompose(v -> http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
            if (e == null && r.statusCode() == 200) {
                msgs.forEach(this::acknowledged);
            } else {
                failures.add(msgs.size());
            }
            inFlight.addAndGet(-msgs.size());
            return null;
        }));
    }
}
