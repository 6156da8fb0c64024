package io.rtgw.server.admin;

/** Counts server-API calls ({@code rtgw_api_requests_total}); called once per answered call. */
@FunctionalInterface
public interface ApiRequestCounter {
    ApiRequestCounter NONE = (endpoint, status) -> { };

    /** @param endpoint a route name ({@code publish}, {@code revoke}, …) or {@code other} */
    void count(String endpoint, int status);
}
