package io.rtgw.pubsub;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the broker connects, read from {@code RTGW_REDIS_URL}:
 * <ul>
 *   <li>{@code redis://[user:pass@]host:port[/db]} and {@code rediss://…} (TLS): one server;</li>
 *   <li>{@code redis-sentinel://[pass@]host:26379[,host2:26379]/db#master}: Sentinel-managed;</li>
 *   <li>Redis Cluster: a seed list {@code redis://h1:p1,h2:p2,…} (also {@code rediss://}), or
 *       any single-host URL with {@code ?cluster=true}.</li>
 * </ul>
 */
record RedisEndpoint(Mode mode, List<RedisURI> uris) {
    enum Mode { STANDALONE, SENTINEL, CLUSTER }

    RedisEndpoint {
        uris = List.copyOf(uris);
    }

    boolean cluster() {
        return mode == Mode.CLUSTER;
    }

    static RedisEndpoint parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("RTGW_REDIS_URL: empty (expected: redis://host:port)");
        }
        String text = url.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("RTGW_REDIS_URL: '" + redacted(text)
                    + "' (expected: redis://, rediss:// or redis-sentinel:// URL)");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        try {
            switch (scheme) {
                case "redis-sentinel", "rediss-sentinel" -> {
                    return new RedisEndpoint(Mode.SENTINEL, List.of(RedisURI.create(text)));
                }
                case "redis", "rediss" -> {
                    return parseRedis(scheme, text.substring(schemeEnd + 3));
                }
                default -> throw new IllegalArgumentException("RTGW_REDIS_URL: scheme '" + scheme
                        + "' (expected: redis, rediss or redis-sentinel)");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("RTGW_REDIS_URL")) {
                throw e;
            }
            throw new IllegalArgumentException("RTGW_REDIS_URL: '" + redacted(text) + "' is not a valid Redis URL ("
                    + e.getMessage() + ")", e);
        }
    }

    private static RedisEndpoint parseRedis(String scheme, String rest) {
        // Seeds after the first may repeat the scheme (redis://h1:7000,redis://h2:7001).
        rest = java.util.regex.Pattern.compile("," + scheme + "://", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(rest).replaceAll(",");
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        boolean clusterFlag = false;
        List<String> keptParams = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            String lower = param.toLowerCase(Locale.ROOT);
            if (lower.equals("cluster") || lower.equals("cluster=true") || lower.equals("cluster=yes") || lower.equals("cluster=1")) {
                clusterFlag = true;
            } else if (!lower.startsWith("cluster=")) {
                keptParams.add(param);
            }
        }
        String suffix = keptParams.isEmpty() ? "" : "?" + String.join("&", keptParams);
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash);
            rest = rest.substring(0, slash);
        }
        String[] hosts = rest.split(",");
        if (hosts.length == 1 && !clusterFlag) {
            return new RedisEndpoint(Mode.STANDALONE, List.of(RedisURI.create(scheme + "://" + userInfo + rest + path + suffix)));
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("RTGW_REDIS_URL: empty host in the cluster seed list");
            }
            // Cluster has no databases: a path is ignored rather than sent as SELECT.
            seeds.add(RedisURI.create(scheme + "://" + userInfo + host.trim() + suffix));
        }
        return new RedisEndpoint(Mode.CLUSTER, seeds);
    }

    /** The URL without its password, for error messages and logs. */
    static String redacted(String url) {
        return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
    }
}
