package io.rtgw.metrics;

/**
 * What the metrics module records beyond the fixed docs/protocol.md §8 set.
 *
 * @param tenantUsage whether to keep per-tenant usage counters (off by default: a label per
 *                    tenant is a cardinality cost operators opt into)
 * @param maxTenants  distinct tenants that get their own series; later ones are counted under
 *                    {@code tenant="other"} so a tenant flood cannot blow up the scrape
 */
public record MetricsOptions(boolean tenantUsage, int maxTenants) {
    public static final int DEFAULT_MAX_TENANTS = 100;

    public MetricsOptions {
        if (maxTenants < 0) {
            throw new IllegalArgumentException("maxTenants: " + maxTenants + " (expected: >= 0)");
        }
    }

    public static MetricsOptions defaults() {
        return new MetricsOptions(false, DEFAULT_MAX_TENANTS);
    }

    public static MetricsOptions withTenantUsage(int maxTenants) {
        return new MetricsOptions(true, maxTenants);
    }
}
