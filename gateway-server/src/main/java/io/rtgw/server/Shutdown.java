package io.rtgw.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import sun.misc.Signal;

/**
 * What signals do. SIGTERM drains over {@code RTGW_DRAIN} and exits 0; a second SIGTERM exits at
 * once (1). SIGINT (Ctrl-C, mostly in dev) tells every client to reconnect at once and exits 0.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unofficial hook (module jdk.unsupported):
 * a shutdown hook alone cannot choose the exit code, and a deploy must see 0 after a clean drain.
 */
final class Shutdown {
    private Shutdown() {
    }

    static void install(Gateway gateway, Duration drain, Logger log) {
        AtomicInteger terms = new AtomicInteger();
        Signal.handle(new Signal("TERM"), signal -> {
            if (terms.incrementAndGet() > 1) {
                log.warn("second SIGTERM: exiting without finishing the drain");
                Runtime.getRuntime().halt(1);
            }
            stopAfter(gateway, drain, log);
        });
        Signal.handle(new Signal("INT"), signal -> {
            if (terms.incrementAndGet() > 1) {
                Runtime.getRuntime().halt(1);
            }
            stopAfter(gateway, Duration.ZERO, log);
        });
        // Anything else that ends the JVM (System.exit elsewhere, SIGHUP) still closes the sockets.
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "rtgw-shutdown"));
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
