package io.rtgw.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Switches logging to one JSON object per line (RTGW_LOG_FORMAT=json). Logback configures itself
 * when the first logger is created, and reading the configuration may already create one (a
 * setting's default can live in a class that logs), so the JSON layout is applied by
 * reconfiguring the running context rather than by a system property set "early enough".
 */
final class LogFormats {
    private static final String JSON_CONFIG = "/rtgw/logback-json.xml";

    private LogFormats() {
    }

    static void useJson() {
        URL config = LogFormats.class.getResource(JSON_CONFIG);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("the JSON log configuration " + JSON_CONFIG + " is broken", e);
        }
    }
}
