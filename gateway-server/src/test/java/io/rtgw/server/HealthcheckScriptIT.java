package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image's HEALTHCHECK script ({@code docker/healthcheck.sh}) against a real node. */
class HealthcheckScriptIT {
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static int run(int adminPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "docker", "healthcheck.sh").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RTGW_ADMIN_PORT", Integer.toString(adminPort));
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void healthyWhenHealthzAnswers200() throws Exception {
        assertThat(run(node.gateway.adminAddress().getPort())).isZero();
    }

    @Test
    void unhealthyWhenNothingListensOrTheAnswerIsNot200() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(run(closed)).isNotZero();
        // the public listener has no /healthz: 404
        assertThat(run(node.gateway.publicAddress().getPort())).isNotZero();
    }
}
