package io.rtgw.auth;

import io.rtgw.core.ChannelName;
import java.util.Objects;
import java.util.Optional;

/** What a server-API key may touch: every tenant, or exactly one. */
public final class ApiKeyScope {
    private static final ApiKeyScope GLOBAL = new ApiKeyScope(null);

    private final String tenant;

    private ApiKeyScope(String tenant) {
        this.tenant = tenant;
    }

    public static ApiKeyScope global() {
        return GLOBAL;
    }

    public static ApiKeyScope tenant(String tenant) {
        if (!ChannelName.isValidTenant(tenant)) {
            throw new IllegalArgumentException("API key tenant '" + tenant
                    + "' must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return new ApiKeyScope(tenant);
    }

    public boolean isGlobal() {
        return tenant == null;
    }

    /** The one tenant of a tenant-bound key; empty for a global key. */
    public Optional<String> boundTenant() {
        return Optional.ofNullable(tenant);
    }

    public boolean allows(String requestedTenant) {
        return tenant == null || tenant.equals(requestedTenant);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKeyScope other && Objects.equals(tenant, other.tenant);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(tenant);
    }

    @Override
    public String toString() {
        return tenant == null ? "global" : "tenant:" + tenant;
    }
}
