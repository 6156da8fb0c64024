package io.rtgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-message hooks run on event loops for every message: they must not create garbage. */
class HotPathAllocationTest {

    @Test
    void hooksDoNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.withTenantUsage(5));
            ClientIdentity identity = new ClientIdentity("alice", "acme", 0, List.of(), List.of());
            Publication publication = MicrometerObserverTest.publication("acme",
                    System.currentTimeMillis() * 1000 - 2000);
            String source = new String("redis".toCharArray()); // not the interned literal
            run(observer, identity, publication, source, 20_000); // admits the tenant, warms up

            long before = threads.getCurrentThreadAllocatedBytes();
            run(observer, identity, publication, source, 100_000);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // A few bytes of slack for the measurement itself; any per-call allocation would be MBs.
            assertThat(allocated).isLessThan(4096);
        } finally {
            registry.close();
        }
    }

    private static void run(MicrometerObserver o, ClientIdentity id, Publication p, String source, int n) {
        for (int i = 0; i < n; i++) {
            Transport t = Transport.WEBSOCKET;
            o.connectionOpened(t);
            o.published(source);
            o.delivered(t, p);
            o.messageReceived(t);
            o.replayed(2);
            o.gap();
            o.authFailure(AuthFailure.EXPIRED);
            o.parseError(t);
            o.sendFailure(t);
            o.subscriptionsChanged(1);
            o.subscriptionsChanged(-1);
            o.brokerState(true);
            o.connectionClosed(t, id, DisconnectReason.NORMAL, 1_000_000, 1);
        }
    }
}
