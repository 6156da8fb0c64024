package io.rtgw.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Records what is logged at WARN or above while it is attached: under hostile input the gateway
 * answers, it does not log stack traces (a WARN from the transport means a handler failed).
 */
final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogRecorder() {
        setName("fuzz-warnings");
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            var thrown = event.getThrowableProxy();
            warnings.add(event.getLoggerName() + ": " + event.getFormattedMessage()
                    + (thrown == null ? "" : " " + thrown.getClassName() + ": " + thrown.getMessage()));
        }
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
