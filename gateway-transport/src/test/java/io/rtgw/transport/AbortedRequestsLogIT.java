package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.concurrent.EventExecutor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An unauthenticated log flood (issue 13): clients that hang up in the middle of a request body
 * wrote a WARN with a stack trace each. A client's abort is not the server's problem: at most
 * DEBUG, and the WARN/ERROR lines of the network path are rate-limited whatever their cause.
 */
class AbortedRequestsLogIT {
    private static final int CLIENTS = 300;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private TestNode node;

    @BeforeEach
    void capture() {
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void stop() {
        root.detachAppender(captured);
        if (node != null) {
            node.close();
        }
    }

    @Test
    void clientsThatHangUpInsideABodyLogAtMostABoundedNumberOfLines() throws Exception {
        node = new TestNode();
        for (int i = 0; i < CLIENTS; i++) {
            try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /poll HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10))
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.shutdownOutput(); // the body ends early
                InputStream in = socket.getInputStream();
                in.readAllBytes(); // until the server has closed its side
            }
        }
        everyEventLoopHasCaughtUp();
        List<ILoggingEvent> loud = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertThat(loud).as(loud.stream().map(ILoggingEvent::getFormattedMessage).distinct().toList().toString())
                .hasSizeLessThanOrEqualTo(NetworkLog.BURST + 1);
        assertThat(captured.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                && e.getThrowableProxy() != null && e.getThrowableProxy().getClassName().contains("PrematureChannelClosure"));
    }

    /** The server closes its side, then fires the close events as a task of the channel's loop: run one after them. */
    private void everyEventLoopHasCaughtUp() throws Exception {
        for (EventExecutor loop : node.loops.workers()) {
            loop.submit(() -> { }).get(30, TimeUnit.SECONDS);
        }
    }
}
