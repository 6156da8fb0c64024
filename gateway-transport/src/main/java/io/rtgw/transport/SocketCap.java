package io.rtgw.transport;

import java.lang.management.ManagementFactory;

/**
 * The default cap on the public listener's open sockets: the process's file limit minus a reserve.
 * Past the file limit every {@code accept} fails, the admin listener's included, so {@code /healthz}
 * and {@code /metrics} would go dark exactly when an operator needs them; the reserve keeps files
 * for the admin listener, Redis connections, logs and the JDK (docs/security.md, "Attacks tried").
 */
final class SocketCap {
    static final int MIN_RESERVE = 256;
    static final int MAX_RESERVE = 4096;

    private SocketCap() {
    }

    /** A tenth of the file limit is kept back, at least 256 and at most 4096 files. */
    static int belowFileLimit(long fileLimit) {
        if (fileLimit <= 0 || fileLimit > Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long reserve = Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, fileLimit / 10));
        return (int) Math.max(fileLimit / 2, fileLimit - reserve);
    }

    static int fromFileLimit() {
        return belowFileLimit(fileLimit());
    }

    private static long fileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
