package io.rtgw.bench.run;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Nchan's publisher endpoint takes one message per POST. Each channel has its own chain of
 * requests (one in flight per channel, so its order holds); channels proceed in parallel.
 */
final class NchanPublisher extends Publisher {
    private final String urlTemplate;
    private final String prefix;
    private final CompletableFuture<?>[] tails;

    NchanPublisher(String urlTemplate, String prefix, int channels, String padding) {
        super(channels, padding);
        this.urlTemplate = urlTemplate;
        this.prefix = prefix;
        this.tails = new CompletableFuture<?>[channels];
        java.util.Arrays.fill(tails, CompletableFuture.completedFuture(null));
    }

    @Override
    void send(List<Msg> batch) {
        for (Msg m : batch) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(urlTemplate.replace("{channel}", prefix + m.channel())))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(m.json())).build();
            int c = m.channel();
            tails[c] = tails[c].thenCompose(v -> http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                if (e == null && r.statusCode() >= 200 && r.statusCode() < 300) {
                    acknowledged(m);
                } else {
                    failures.increment();
                }
                inFlight.decrementAndGet();
                return null;
            }));
        }
    }
}
