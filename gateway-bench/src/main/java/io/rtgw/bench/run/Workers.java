package io.rtgw.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.bench.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load-generator processes of one run. Clients are split into slices of at most
 * {@code perWorker} (under the 20,000 open files a process may have), each slice in its own JVM
 * pinned to the client cores. Commands go to all workers at once; answers are then read in turn.
 */
final class Workers implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<BufferedReader> outs = new ArrayList<>();
    private final List<Writer> ins = new ArrayList<>();

    Workers(Path jar, int clients, int perWorker, int minWorkers, List<String> args, String cpus, Path dir) throws Exception {
        int count = Math.max(minWorkers, (clients + perWorker - 1) / perWorker);
        int base = clients / count;
        int first = 0;
        for (int w = 0; w < count; w++) {
            int n = base + (w < clients % count ? 1 : 0);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-Xms256m", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                    // The load generator's own pauses show up as latency of both servers: keep them visible.
                    "-Xlog:gc:file=" + dir.resolve("worker-" + w + "-gc.log"),
                    "-cp", jar.toString(), "io.rtgw.bench.load.Worker", "--first", Integer.toString(first),
                    "--count", Integer.toString(n)));
            cmd.addAll(args);
            Process p = Proc.startPiped(cmd, cpus, dir.resolve("worker-" + w + ".log"));
            processes.add(p);
            outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            ins.add(new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            first += n;
        }
        for (int w = 0; w < count; w++) {
            JsonNode hello = read(w);
            if (!hello.path("epoll").asBoolean()) {
                System.err.println("bench: worker " + w + " has no native epoll; it uses NIO");
            }
        }
    }

    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** Sends {@code command} to every worker, then returns their answers in worker order. */
    List<JsonNode> all(String command) throws Exception {
        for (Writer in : ins) {
            in.write(command + "\n");
            in.flush();
        }
        List<JsonNode> out = new ArrayList<>();
        for (int w = 0; w < ins.size(); w++) {
            out.add(read(w));
        }
        return out;
    }

    private JsonNode read(int w) throws Exception {
        String line = outs.get(w).readLine();
        if (line == null) {
            throw new IllegalStateException("worker " + w + " died; see its log in the run directory");
        }
        return Json.MAPPER.readTree(line);
    }

    static long sum(List<JsonNode> answers, String field) {
        return answers.stream().mapToLong(a -> a.path(field).asLong()).sum();
    }

    static double max(List<JsonNode> answers, String field) {
        return answers.stream().mapToDouble(a -> a.path(field).asDouble()).max().orElse(0);
    }

    @Override
    public void close() {
        for (Writer in : ins) {
            try {
                in.write("quit\n");
                in.flush();
            } catch (java.io.IOException gone) {
                // already ended
            }
        }
        processes.forEach(p -> Proc.stop(p, 5));
    }
}
