package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NetworkLogTest {
    private final Logger log = (Logger) LoggerFactory.getLogger("network-log-test");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final NetworkLog network = new NetworkLog(now::get);

    @BeforeEach
    void capture() {
        log.setLevel(Level.DEBUG);
        captured.start();
        log.addAppender(captured);
    }

    @AfterEach
    void release() {
        log.detachAppender(captured);
    }

    @Test
    void aClientsAbortIsOneDebugLineWithoutAStackTrace() {
        for (Throwable abort : new Throwable[] {new PrematureChannelClosureException("closed before last content"),
                new SocketException("Connection reset"), new ClosedChannelException(),
                new DecoderException(new IOException("Broken pipe"))}) {
            network.log(log, "request failed", abort);
        }
        assertThat(captured.list).hasSize(4).allMatch(e -> e.getLevel() == Level.DEBUG && e.getThrowableProxy() == null);
    }

    @Test
    void otherFailuresAreWarnedAtMostABurstAMinuteAndTheRestAreCountedAndSummarized() {
        for (int i = 0; i < 1_000; i++) {
            network.log(log, "request failed", new IllegalStateException("bug " + i));
        }
        assertThat(captured.list).hasSize(NetworkLog.BURST)
                .allMatch(e -> e.getLevel() == Level.WARN && e.getThrowableProxy() != null);
        assertThat(network.suppressedTotal()).isEqualTo(1_000 - NetworkLog.BURST);

        now.addAndGet(NetworkLog.WINDOW_NANOS);
        network.log(log, "request failed", new IllegalStateException("next minute"));
        assertThat(captured.list).hasSize(NetworkLog.BURST + 2);
        assertThat(captured.list.get(NetworkLog.BURST).getFormattedMessage())
                .startsWith((1_000 - NetworkLog.BURST) + " more network failures were not logged");
        assertThat(captured.list.get(NetworkLog.BURST + 1).getThrowableProxy().getMessage()).isEqualTo("next minute");
    }
}
