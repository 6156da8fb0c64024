package io.rtgw.server;

import io.rtgw.server.config.ConfigException;
import io.rtgw.server.config.ConfigLoader;
import io.rtgw.server.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import sun.misc.Signal;

/**
 * What signals do. SIGTERM drains over {@code RTGW_DRAIN} and exits 0; a second SIGTERM exits at
 * once (1). SIGINT (Ctrl-C, mostly in dev) tells every client to reconnect at once and exits 0.
 * SIGHUP re-reads the configuration and swaps the server API keys, so keys rotate without a
 * restart; nothing else is reloaded (listeners, broker and token keys need a rolling restart).
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unofficial hook (module jdk.unsupported):
 * a shutdown hook alone cannot choose the exit code, and a deploy must see 0 after a clean drain.
 */
final class Signals {
    private Signals() {
    }

    /**
     * @param configFile the {@code --config} file (null for none): what SIGHUP re-reads, with the
     *                   environment, which cannot change for a running process but still overrides
     * @param dev        {@code --dev}, as at start
     */
    static void install(Gateway gateway, Path configFile, boolean dev, Logger log) {
        AtomicInteger terms = new AtomicInteger();
        Signal.handle(new Signal("TERM"), signal -> {
            if (terms.incrementAndGet() > 1) {
                log.warn("second SIGTERM: exiting without finishing the drain");
                Runtime.getRuntime().halt(1);
            }
            stopAfter(gateway, gateway.config().drain(), log);
        });
        Signal.handle(new Signal("INT"), signal -> {
            if (terms.incrementAndGet() > 1) {
                Runtime.getRuntime().halt(1);
            }
            stopAfter(gateway, Duration.ZERO, log);
        });
        // The JVM's own SIGHUP handling would exit; an operator sending HUP means "reload".
        Signal.handle(new Signal("HUP"), signal -> reloadApiKeys(gateway, configFile, dev, log));
        // Anything else that ends the JVM (System.exit elsewhere) still closes the sockets.
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "rtgw-shutdown"));
    }

    /** A bad file keeps the keys in use: a typo during a rotation must not lock every publisher out. */
    static void reloadApiKeys(Gateway gateway, Path configFile, boolean dev, Logger log) {
        try {
            GatewayConfig next = ConfigLoader.load(configFile, System.getenv(), dev);
            if (next.apiKeys().generated()) {
                // Dev mode would invent a fresh key on every read; the printed one stays valid instead.
                log.info("SIGHUP: no API key configured (dev mode keeps its generated key); nothing reloaded");
                return;
            }
            int count = gateway.replaceApiKeys(next);
            log.info("SIGHUP: API keys reloaded ({} keys); other settings take effect on restart", count);
        } catch (ConfigException | IllegalArgumentException e) {
            // IllegalArgumentException: a key the key set refuses (too short, listed twice).
            log.warn("SIGHUP: configuration not reloaded, the current API keys stay in use: {}", e.getMessage());
        }
    }

    private static void stopAfter(Gateway gateway, Duration drain, Logger log) {
        Thread drainer = new Thread(() -> {
            try {
                gateway.drain(drain);
                log.info("drained; exiting");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                System.exit(0);
            }
        }, "rtgw-drain");
        drainer.start();
    }
}
