package io.rtgw.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The floor over real loopback sockets: a publication reaches its channel's subscribers as the bare payload. */
class FloorServerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void eachPublicationReachesItsChannelsSubscribersAsItIs() throws Exception {
        publicationsReachTheirSubscribers(FlushPolicy.BATCH);
    }

    @Test
    void flushedPerRequestEachPublicationReachesItsChannelsSubscribersToo() throws Exception {
        publicationsReachTheirSubscribers(FlushPolicy.REQUEST);
    }

    private static void publicationsReachTheirSubscribers(FlushPolicy flush) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (FloorServer floor = FloorServer.start(flush)) {
            Inbox a1 = new Inbox();
            Inbox a2 = new Inbox();
            Inbox b = new Inbox();
            subscribe(http, floor, "bench-a", a1);
            subscribe(http, floor, "bench-a", a2);
            subscribe(http, floor, "bench-b", b);
            String big = "{\"bt\":1,\"bp\":\"" + "x".repeat(5000) + "\"}"; // past Netty's copy threshold: header and payload apart
            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create("http://" + floor.adminAddress() + "/pub"))
                    .POST(HttpRequest.BodyPublishers.ofString("bench-a {\"bt\":1}\nbench-b " + big + "\nbench-c {}\n")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(a1.next()).isEqualTo("{\"bt\":1}");
            assertThat(a2.next()).isEqualTo("{\"bt\":1}");
            assertThat(b.next()).isEqualTo(big);
        }
    }

    @Test
    void aBodyThatIsNotChannelSpacePayloadLinesIsRefused() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (FloorServer floor = FloorServer.start(FlushPolicy.BATCH)) {
            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create("http://" + floor.adminAddress() + "/pub"))
                    .POST(HttpRequest.BodyPublishers.ofString("no-payload-here")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(res.statusCode()).isEqualTo(400);
        }
    }

    private static void subscribe(HttpClient http, FloorServer floor, String channel, Inbox inbox) throws Exception {
        http.newWebSocketBuilder().buildAsync(URI.create("ws://" + floor.publicAddress() + "/sub/" + channel), inbox)
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Whole text messages as they arrive (the JDK hands large ones over in parts). */
    private static final class Inbox implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            return messages.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
