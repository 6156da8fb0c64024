package io.rtgw.bench.run;

import java.net.URI;
import java.net.http.HttpRequest;

/** The floor's {@code POST /pub}: one {@code <channel> <payload>} line per publication, as many per request as fit. */
final class FloorPublisher extends BatchPublisher {
    private final URI uri;
    private final String prefix;

    FloorPublisher(URI uri, String prefix, int channels, String padding) {
        super(channels, padding, "", "\n", "");
        this.uri = uri;
        this.prefix = prefix;
    }

    @Override
    String item(Msg m) {
        return prefix + m.channel() + " " + m.json();
    }

    @Override
    HttpRequest request(String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
