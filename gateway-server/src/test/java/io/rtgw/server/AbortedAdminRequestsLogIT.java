package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtgw.transport.NetworkLog;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The log flood of issue 13 on the admin listener and the public one of a whole node: many
 * unauthenticated connections that hang up inside a request body write at most a bounded number
 * of WARN/ERROR lines, and none with a stack trace of the client's abort.
 */
class AbortedAdminRequestsLogIT {
    private static final int CLIENTS = 300;
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private RunningGateway node;

    @BeforeEach
    void start() throws Exception {
        captured.start();
        root.addAppender(captured);
        node = new RunningGateway();
    }

    @AfterEach
    void stop() {
        node.close();
        root.detachAppender(captured);
    }

    private static void hangUpInsideABody(int port, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ten")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes(); // until the server has closed its side
        }
    }

    @Test
    void connectionsThatHangUpInsideABodyWriteABoundedNumberOfLines() throws Exception {
        for (int i = 0; i < CLIENTS; i++) {
            hangUpInsideABody(node.admin("/").getPort(), "/api/publish");
            hangUpInsideABody(node.pub("/").getPort(), "/poll");
        }
        // The admin listener has one event loop: this answer comes after the close events queued before it.
        assertThat(node.get(node.admin("/healthz")).statusCode()).isEqualTo(200);
        List<ILoggingEvent> loud = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertThat(loud).as(loud.stream().map(ILoggingEvent::getFormattedMessage).distinct().toList().toString())
                .hasSizeLessThanOrEqualTo(NetworkLog.BURST + 1)
                .noneMatch(e -> e.getThrowableProxy() != null
                        && e.getThrowableProxy().getClassName().contains("PrematureChannelClosure"));
    }
}
