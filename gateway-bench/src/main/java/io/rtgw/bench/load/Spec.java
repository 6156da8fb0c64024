package io.rtgw.bench.load;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.rtgw.bench.Options;
import java.net.URI;

/**
 * What a worker's clients connect to and how they talk. {@code dialect} is {@code rtgw} (our
 * protocol: subscribe command, cursor, gap notices) or {@code plain} (any SSE/WebSocket server:
 * the payload is the whole frame or data field; with {@code nchan} extras: the ws+meta.nchan
 * subprotocol for message ids, and Nchan's long-poll caching headers).
 */
final class Spec {
    final String dialect;
    final String wsUrl;
    final String sseUrl;
    final String pollUrl;
    final String channelPrefix;
    final String token;
    /** One token per user, client g using line g mod count ({@code --token-file}); null: every client uses {@code token}. */
    private final String[] tokens;
    /**
     * Session cookies instead of tokens ({@code --cookie-file}, one {@code name=value} per user, client g
     * using line g mod count): the gateway asks its connect hook who they are (docs/protocol.md §11).
     */
    private final String[] cookies;
    final boolean tokenInSubprotocol;
    /** Client g listens to channel g mod channels; needed to spread each channel over the nodes. */
    private final int channels;

    Spec(Options o) {
        dialect = o.get("dialect", "rtgw");
        wsUrl = o.get("ws-url", null);
        sseUrl = o.get("sse-url", null);
        pollUrl = o.get("poll-url", null);
        channelPrefix = o.get("channel-prefix", "bench:");
        token = o.get("token", null);
        tokens = readLines("--token-file", o.get("token-file", null));
        cookies = readLines("--cookie-file", o.get("cookie-file", null));
        tokenInSubprotocol = "subprotocol".equals(o.get("ws-auth", "header"));
        channels = Math.max(1, o.getInt("channels", 1));
    }

    /** The token client {@code index} presents: its user's when a token file was given. */
    String token(int index) {
        return tokens == null ? token : tokens[index % tokens.length];
    }

    /** What client {@code index} sends on every request: its token as a bearer header, else its cookie. */
    void credentials(int index, HttpHeaders headers) {
        if (token(index) != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token(index));
        } else if (cookies != null) {
            headers.set(HttpHeaderNames.COOKIE, cookies[index % cookies.length]);
        }
    }

    private static String[] readLines(String option, String file) {
        if (file == null) {
            return null;
        }
        try {
            String[] lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file)).stream()
                    .filter(l -> !l.isBlank()).toArray(String[]::new);
            if (lines.length == 0) {
                throw new IllegalArgumentException(option + " " + file + " is empty");
            }
            return lines;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    boolean rtgw() {
        return "rtgw".equals(dialect);
    }

    boolean nchan() {
        return "nchan".equals(dialect);
    }

    String channelName(int channel) {
        return channelPrefix + channel;
    }

    /**
     * Client {@code index}'s URL: the template with {channel} filled in (URL-safe: our channel
     * names need no escaping). A template may list one URL per node, comma-separated; client g
     * then goes to node (g / channels) mod nodes, so every channel has subscribers on every node
     * (g mod nodes would put all of a channel's subscribers on one node whenever nodes divides
     * the channel count), as a load balancer in front of the nodes would spread them.
     */
    URI uri(String template, int index, int channel) {
        if (template == null) {
            throw new IllegalArgumentException("no URL given for this transport");
        }
        String[] nodes = template.split(",");
        String chosen = nodes[(index / channels) % nodes.length];
        return URI.create(chosen.replace("{channel}", channelName(channel)));
    }

    static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    static String hostHeader(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
