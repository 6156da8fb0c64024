package io.rtgw.server.events;

import io.rtgw.core.events.AppEvent;
import io.rtgw.core.events.QueuedSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook mode of docs/protocol.md §10: a batch is one POST of a JSON array, signed
 * {@code Rtgw-Signature: sha256=<hex HMAC-SHA256 of the body>}; any 2xx means delivered.
 *
 * <p>The JDK {@link HttpClient}, called synchronously from the {@link QueuedSink}'s own sender
 * thread: that thread exists to wait (for the app, and between retries), so blocking it costs
 * nothing and keeps backoff a plain loop, while no Netty event loop is ever involved; it needs no
 * dependency and speaks http and https.
 */
public final class WebhookDelivery implements QueuedSink.Delivery {
    public static final String SIGNATURE_HEADER = "Rtgw-Signature";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final byte[] secret;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public WebhookDelivery(URI url, String secret) {
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void deliver(List<AppEvent> batch) throws IOException, InterruptedException {
        byte[] body = body(batch);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, signature(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the app answered " + response.statusCode());
        }
    }

    static byte[] body(List<AppEvent> batch) {
        int size = 2;
        for (AppEvent e : batch) {
            size += e.json().length() + 1;
        }
        StringBuilder b = new StringBuilder(size).append('[');
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(batch.get(i).json());
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code sha256=<lowercase hex HMAC-SHA256(secret, body)>}. */
    public static String signature(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
