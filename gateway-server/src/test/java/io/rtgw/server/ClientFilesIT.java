package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JavaScript client is served by every node, not only in dev mode, exactly as clients/js holds it. */
class ClientFilesIT {
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = new RunningGateway();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void servesTheClientModuleAsJavaScriptToAnyOrigin() throws Exception {
        HttpResponse<String> r = node.get(node.pub("/rtgw.js"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/javascript; charset=utf-8");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.body()).contains("export class Realtime");
        Path source = Path.of("..", "clients", "js", "rtgw.js");
        if (Files.exists(source)) {
            assertThat(r.body()).isEqualTo(Files.readString(source));
        }
    }

    @Test
    void servesTheTypeDeclarations() throws Exception {
        HttpResponse<String> r = node.get(node.pub("/rtgw.d.ts"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("export class Realtime").contains("'reconnecting'");
    }
}
