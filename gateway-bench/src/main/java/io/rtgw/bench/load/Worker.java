package io.rtgw.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.bench.Json;
import io.rtgw.bench.Options;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One load-generator process: up to ~19k client connections (the box allows 20,000 open files
 * per process). The coordinator drives it over stdin with one command per line and reads one JSON
 * line per answer on stdout: {@code connect}, {@code stats}, {@code drop}, {@code resume <targets>},
 * {@code verify <final seqs>}, {@code quit}. Targets and seqs are per channel, comma-separated.
 */
public final class Worker implements Client.Lifecycle {
    private final List<Client> clients = new ArrayList<>();
    private final Stats stats = new Stats();
    private final Net net;
    private final int concurrency;
    private final long connectTimeoutMillis;
    private Semaphore permits;
    private CountDownLatch readyLatch;
    private CountDownLatch caughtUpLatch;
    private final AtomicInteger readyCount = new AtomicInteger();
    private final AtomicInteger failedCount = new AtomicInteger();
    private final AtomicLong lastCaughtUpNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    Worker(Options o) {
        Spec spec = new Spec(o);
        int first = o.getInt("first", 0);
        int count = o.getInt("count", 1);
        int channels = Math.max(1, o.getInt("channels", 1));
        Mix mix = Mix.parse(o.get("mix", "ws"));
        net = new Net(o.getInt("threads", 1), o.getInt("sources", 8));
        concurrency = o.getInt("concurrency", 256);
        connectTimeoutMillis = o.getInt("connect-timeout", 180) * 1000L;
        for (int i = 0; i < count; i++) {
            int g = first + i;
            int channel = g % channels;
            clients.add(switch (mix.transportOf(g)) {
                case "sse" -> new SseClient(g, channel, spec, stats, net, this);
                case "poll" -> new PollClient(g, channel, spec, stats, net, this);
                default -> new WsClient(g, channel, spec, stats, net, this);
            });
        }
    }

    public static void main(String[] args) throws Exception {
        Worker w = new Worker(Options.parse(args));
        ObjectNode hello = Json.MAPPER.createObjectNode().put("ev", "ready").put("epoll", w.net.epoll)
                .put("pid", ProcessHandle.current().pid());
        reply(hello);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case "connect" -> reply(w.connectAll("connected", words.length > 1 ? Integer.parseInt(words[1]) : Integer.MAX_VALUE));
                case "stats" -> reply(w.stats.report().put("ev", "stats"));
                case "drop" -> reply(w.dropAll());
                case "resume" -> reply(w.resume(parseLongs(words[1])));
                case "verify" -> reply(w.verify(parseLongs(words[1])));
                case "quit" -> {
                    w.net.close();
                    reply(Json.MAPPER.createObjectNode().put("ev", "bye"));
                    System.exit(0);
                }
                default -> reply(Json.MAPPER.createObjectNode().put("ev", "error").put("message", "unknown command " + words[0]));
            }
        }
        w.net.close(); // the coordinator went away: so do we
        System.exit(0);
    }

    /** Connects the first {@code limit} clients (all for a real run; a few to warm the server up). */
    private ObjectNode connectAll(String event, int limit) throws InterruptedException {
        List<Client> some = clients.subList(0, Math.min(limit, clients.size()));
        readyCount.set(0);
        failedCount.set(0);
        failures.clear();
        readyLatch = new CountDownLatch(some.size());
        permits = new Semaphore(concurrency);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
        for (Client c : some) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            c.connect();
        }
        boolean all = readyLatch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode n = Json.MAPPER.createObjectNode().put("ev", event).put("ready", readyCount.get())
                .put("failed", failedCount.get()).put("timedOut", !all).put("seconds", seconds);
        var f = n.putArray("failures");
        failures.stream().limit(3).forEach(f::add);
        return n;
    }

    private ObjectNode dropAll() throws InterruptedException {
        clients.forEach(Client::drop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.ch != null && c.ch.isOpen())) {
            Thread.sleep(20);
        }
        return Json.MAPPER.createObjectNode().put("ev", "dropped")
                .put("stillOpen", clients.stream().filter(c -> c.ch != null && c.ch.isOpen()).count());
    }

    /** Reconnects every client from where it was, and times until each has the head it was given. */
    private ObjectNode resume(long[] targets) throws InterruptedException {
        caughtUpLatch = new CountDownLatch(clients.size());
        lastCaughtUpNanos.set(0);
        long start = System.nanoTime();
        for (Client c : clients) {
            c.armCatchUp(targets[c.channel]);
        }
        ObjectNode n = connectAll("resumed", Integer.MAX_VALUE);
        boolean all = caughtUpLatch.await(connectTimeoutMillis, TimeUnit.MILLISECONDS);
        n.put("caughtUp", clients.size() - caughtUpLatch.getCount()).put("caughtUpAll", all)
                .put("catchUpSeconds", (Math.max(lastCaughtUpNanos.get(), start) - start) / 1e9);
        return n;
    }

    private ObjectNode verify(long[] finalSeqs) throws Exception {
        long behind = 0;
        long missing = 0;
        // which transports and channels: all clients of a channel behind points at the node's feed,
        // one transport alone at that transport
        java.util.Map<String, Long> byTransport = new java.util.TreeMap<>();
        java.util.Set<Integer> channels = new java.util.TreeSet<>();
        for (Client c : clients) {
            long last = c.loop.submit(() -> c.lastSeq).get(10, TimeUnit.SECONDS);
            long want = finalSeqs[c.channel];
            if (last < want) {
                behind++;
                missing += want - last;
                byTransport.merge(c.transport(), 1L, Long::sum);
                channels.add(c.channel);
            }
        }
        ObjectNode n = stats.report().put("ev", "verified").put("clientsBehind", behind).put("missingAtEnd", missing);
        byTransport.forEach((t, count) -> n.put("behind." + t, count));
        n.put("behindChannels", channels.stream().limit(20).map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")));
        n.remove("histogram");
        return n;
    }

    @Override
    public void ready(Client c) {
        readyCount.incrementAndGet();
        permits.release();
        readyLatch.countDown();
    }

    @Override
    public void failed(Client c, String why) {
        failedCount.incrementAndGet();
        if (failures.size() < 3) {
            failures.add(c.transport() + " #" + c.index + ": " + why);
        }
        permits.release();
        readyLatch.countDown();
    }

    @Override
    public void caughtUp(Client c) {
        lastCaughtUpNanos.accumulateAndGet(System.nanoTime(), Math::max);
        CountDownLatch l = caughtUpLatch;
        if (l != null) {
            l.countDown();
        }
    }

    static long[] parseLongs(String csv) {
        String[] parts = csv.split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }

    private static synchronized void reply(ObjectNode n) {
        System.out.println(n.toString());
        System.out.flush();
    }
}
