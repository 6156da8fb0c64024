package io.rtgw.bench.run;

import java.net.URI;
import java.net.http.HttpRequest;

/** POST /api/publish with a JSON array of publications per request. */
final class RtgwPublisher extends BatchPublisher {
    private final URI uri;
    private final String apiKey;
    private final String tenant;
    private final String prefix;

    RtgwPublisher(URI uri, String apiKey, String tenant, String prefix, int channels, String padding) {
        super(channels, padding, "[", ",", "]");
        this.uri = uri;
        this.apiKey = apiKey;
        this.tenant = tenant;
        this.prefix = prefix;
    }

    @Override
    String item(Msg m) {
        return "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + prefix + m.channel() + "\",\"data\":" + m.json() + "}";
    }

    @Override
    HttpRequest request(String body) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
