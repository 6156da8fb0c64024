package io.rtgw.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks Testcontainers about Docker once per run: the answer costs ~0.7 s and an ERROR line when absent. */
final class DockerCheck {
    private static final Logger log = LoggerFactory.getLogger(DockerCheck.class);
    private static volatile Boolean available;

    private DockerCheck() {
    }

    static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (DockerCheck.class) {
                a = available;
                if (a == null) {
                    a = probe();
                    available = a;
                }
            }
        }
        return a;
    }

    private static boolean probe() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            log.debug("Docker check failed", t);
            return false;
        }
    }
}
