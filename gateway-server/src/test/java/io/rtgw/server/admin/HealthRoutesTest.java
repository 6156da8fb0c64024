package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness asks every client loop to run a task: one stuck loop fails it. */
class HealthRoutesTest {
    private final DefaultEventExecutorGroup loops = new DefaultEventExecutorGroup(2);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void liveWhenEveryLoopRunsATask() throws Exception {
        AdminResponse answer = HealthRoutes.liveness(loops, Duration.ofSeconds(5)).handle(null).get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(HttpResponseStatus.OK);
    }

    @Test
    void notLiveWhenOneLoopIsStuck() throws Exception {
        loops.next().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AdminResponse answer = HealthRoutes.liveness(loops, Duration.ofMillis(200)).handle(null).get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("event_loop_stuck");
    }
}
