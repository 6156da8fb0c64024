package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rtgw.core.Hub;
import io.rtgw.core.SessionContext;
import io.rtgw.core.SessionSettings;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue bound is the only write backpressure (see ChannelConnection#flushNow): the
 * listener does not tune Netty's write watermarks, whose writability nothing reads.
 */
class WriteBackpressureIT {
    @Test
    void acceptedConnectionsKeepNettysDefaultWatermarksWhateverTheOutboundQueue() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        InMemoryBroker broker = new InMemoryBroker(HistoryPolicies.uniform(HistoryPolicy.DEFAULT));
        try (EventLoops loops = new EventLoops(1)) {
            Hub hub = new Hub(broker, loops.workers().next(), Duration.ofSeconds(1), observer);
            // a small queue used to shrink the watermarks (16/32 KiB) although nothing read them
            TransportContext context = TransportContext.of(new SessionContext(hub, broker, new TestAuthenticator(),
                    observer, SessionSettings.DEFAULTS), TransportSettings.defaults("127.0.0.1", 0)
                    .withOutboundQueueBytes(32 * 1024));
            CompletableFuture<WriteBufferWaterMark> seen = new CompletableFuture<>();
            PublicServer server = new PublicServer(context, loops).route("/probe", (ctx, request, query) -> {
                seen.complete(ctx.channel().config().getWriteBufferWaterMark());
                HttpResponses.send(ctx, request, HttpResponseStatus.OK, "text/plain", Unpooled.EMPTY_BUFFER);
            });
            server.start();
            try {
                URI probe = URI.create("http://127.0.0.1:" + server.address().getPort() + "/probe");
                HttpResponse<String> answer = SseClient.HTTP.send(HttpRequest.newBuilder(probe)
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                WriteBufferWaterMark marks = seen.get(30, TimeUnit.SECONDS);
                assertThat(marks.low()).isEqualTo(WriteBufferWaterMark.DEFAULT.low());
                assertThat(marks.high()).isEqualTo(WriteBufferWaterMark.DEFAULT.high());
            } finally {
                server.close();
            }
        } finally {
            broker.close();
        }
    }
}
