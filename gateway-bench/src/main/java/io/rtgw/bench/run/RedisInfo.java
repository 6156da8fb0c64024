package io.rtgw.bench.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the bench's redis-server says about itself ({@code INFO all}): its own CPU (used_cpu_sys +
 * used_cpu_user, seconds), the commands it processed, and the calls per command (commandstats),
 * so a connect wave can be charged the Redis work it caused.
 */
record RedisInfo(double cpuSeconds, long commands, Map<String, Long> callsByCommand) {
    static final RedisInfo EMPTY = new RedisInfo(0, 0, Map.of());

    /** One {@code INFO all} over a fresh connection. */
    static RedisInfo read(int port) throws IOException {
        return parse(bulk(port, "INFO all"));
    }

    /** One inline command over a fresh connection whose reply is one bulk string (INFO, CLUSTER INFO). */
    static String bulk(int port, String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return readBulk(s.getInputStream());
        }
    }

    /** Two nodes' figures together (a Cluster's masters). */
    RedisInfo plus(RedisInfo other) {
        Map<String, Long> calls = new TreeMap<>(callsByCommand);
        other.callsByCommand.forEach((k, v) -> calls.merge(k, v, Long::sum));
        return new RedisInfo(cpuSeconds + other.cpuSeconds, commands + other.commands, calls);
    }

    static RedisInfo parse(String info) {
        double cpu = 0;
        long commands = 0;
        Map<String, Long> calls = new TreeMap<>();
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("total_commands_processed:")) {
                commands = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("cmdstat_")) { // cmdstat_xadd:calls=12,usec=...
                int colon = line.indexOf(':');
                for (String field : line.substring(colon + 1).split(",")) {
                    if (field.startsWith("calls=")) {
                        calls.put(line.substring("cmdstat_".length(), colon), Long.parseLong(field.substring(6).trim()));
                    }
                }
            }
        }
        return new RedisInfo(cpu, commands, calls);
    }

    /** Calls per command since {@code before}, busiest first, as "cmd=calls" lines. */
    String callsSince(RedisInfo before) {
        StringBuilder out = new StringBuilder();
        callsByCommand.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.callsByCommand.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> out.append(e.getKey()).append('=').append(e.getValue()).append('\n'));
        return out.toString();
    }

    private static String readBulk(InputStream in) throws IOException {
        String header = readLine(in);
        if (!header.startsWith("$")) {
            throw new IOException("unexpected INFO reply: " + header);
        }
        int length = Integer.parseInt(header.substring(1));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("INFO reply cut short");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
