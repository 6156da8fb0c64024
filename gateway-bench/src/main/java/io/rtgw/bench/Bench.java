package io.rtgw.bench;

import io.rtgw.bench.load.Worker;
import io.rtgw.bench.run.Runner;
import java.util.Arrays;

/**
 * Entry point of the bench jar: {@code idle|fanout|broadcast|storm} run a scenario against rtgw
 * (and the peer with {@code --peer nchan|floor}); {@code jmh} runs the JMH benchmarks; {@code worker} is
 * how the coordinator starts a load-generator process; {@code channels} measures the embedded
 * broker's heap for many quiet channels ({@link ChannelMemoryCurve}).
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (cmd) {
            case "worker" -> Worker.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "channels" -> ChannelMemoryCurve.main(rest);
            case "idle", "fanout", "broadcast", "storm" -> System.exit(Runner.run(cmd, Options.parse(rest)));
            default -> {
                System.out.println(Runner.USAGE);
                System.exit("help".equals(cmd) ? 0 : 2);
            }
        }
    }
}
