package io.rtgw.bench.run;

import io.rtgw.bench.floor.FloorServer;
import io.rtgw.bench.floor.FlushPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --peer floor}: the bench's {@link FloorServer} in its own JVM, with the gateway's JVM
 * flags and pinning, so the table shows what the kernel and Netty alone cost per delivery.
 * WebSocket only; no store (it is the same process whatever {@code --store} says).
 */
final class FloorPeer implements Server {
    static final String PREFIX = "bench-";
    private static final Pattern LISTENING = Pattern.compile("floor listening: public ([0-9.]+:\\d+) admin ([0-9.]+:\\d+)");
    private final Path benchJar;
    private final String cpus;
    private final String jvmFlags;
    private final FlushPolicy flush;
    private Process process;
    private String publicBase;
    private String adminBase;

    FloorPeer(Path benchJar, String cpus, String jvmFlags, FlushPolicy flush) {
        this.benchJar = benchJar;
        this.cpus = cpus;
        this.jvmFlags = jvmFlags;
        this.flush = flush;
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public void start(Path dir) throws Exception {
        List<String> cmd = Proc.java(jvmFlags);
        cmd.addAll(List.of("-cp", benchJar.toString(), FloorServer.class.getName(), "--flush", flush.label()));
        Path log = dir.resolve("floor.log");
        process = Proc.start(cmd, cpus, log, null);
        Matcher m = Proc.awaitLogLine(process, log, LISTENING, 90, "the floor server");
        publicBase = m.group(1);
        adminBase = m.group(2);
    }

    @Override
    public List<Long> pids() {
        return List.of(process.pid());
    }

    @Override
    public void settleMemory() throws Exception {
        RtgwServer.fullGc(process.pid());
    }

    @Override
    public List<String> workerArgs() {
        return List.of("--dialect", "plain", "--ws-url", "ws://" + publicBase + "/sub/{channel}", "--channel-prefix", PREFIX);
    }

    @Override
    public Publisher publisher(int channels, String padding) {
        return new FloorPublisher(URI.create("http://" + adminBase + "/pub"), PREFIX, channels, padding);
    }

    @Override
    public void close() {
        Proc.stop(process, 10);
    }
}
