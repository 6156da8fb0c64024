package io.rtgw.server;

import io.rtgw.server.config.ConfigException;
import io.rtgw.server.config.ConfigLoader;
import io.rtgw.server.config.GatewayConfig;
import io.rtgw.server.config.ObservabilitySettings.LogFormat;
import io.rtgw.transport.StaticEndpoint;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar rtgw.jar [--dev] [--config FILE]}. Bad configuration ends the start with one
 * line naming the setting (exit 2); a port in use likewise (exit 1); SIGTERM stops the node,
 * SIGHUP reloads the API keys ({@link Signals}). {@code --cds-training} runs {@link CdsTraining}
 * and exits (0, or 1 with one line), for a JVM started with {@code -XX:ArchiveClassesAtExit}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        boolean dev = false;
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dev" -> dev = true;
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        fail(2, "--config needs a file name");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println("usage: rtgw [--dev] [--config FILE]   (settings: docs/configuration.md)");
                    System.out.println("       rtgw --cds-training            (class-data archive: docs/deployment.md)");
                    return;
                }
                case "--cds-training" -> train();
                default -> fail(2, "unknown argument '" + args[i]
                        + "' (expected: --dev, --config FILE, --cds-training, --help)");
            }
        }
        GatewayConfig config = null;
        try {
            config = ConfigLoader.load(configFile, System.getenv(), dev);
        } catch (ConfigException e) {
            fail(2, "configuration error: " + e.getMessage());
        }
        if (config.observability().logFormat() == LogFormat.JSON) {
            LogFormats.useJson();
        }
        run(config, configFile);
    }

    private static void run(GatewayConfig config, Path configFile) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        config.warnings().forEach(w -> log.warn("{}", w));
        DevMode dev = config.dev() ? new DevMode(config) : null;
        Map<String, StaticEndpoint> pages = dev != null ? dev.pages() : Map.of();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, pages);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof BindException) {
                fail(1, "cannot listen: " + root.getMessage() + " (is another rtgw running? set RTGW_PUBLIC_PORT / RTGW_ADMIN_PORT)");
            }
            log.error("start failed", e);
            fail(1, "start failed: " + e);
            return;
        }
        if (dev != null) {
            dev.printBanner(gateway, System.out);
        }
        Signals.install(gateway, configFile, config.dev(), log);
    }

    /**
     * Exits in every case, so that a JVM with {@code -XX:ArchiveClassesAtExit} writes its archive
     * now (threads the node left behind would otherwise keep it up).
     */
    private static void train() {
        try {
            CdsTraining.run();
        } catch (Exception e) {
            fail(1, "class-data training failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        System.exit(0);
    }

    private static void fail(int code, String line) {
        System.err.println("rtgw: " + line);
        System.exit(code);
    }
}
