package io.rtgw.server.config;

import java.util.Locale;

/**
 * Logs and metrics.
 *
 * @param tenantMetrics    whether metrics carry a {@code tenant} label
 * @param tenantMetricsMax tenants labelled individually; the rest share {@code tenant="other"}, so a
 *                         large fleet of tenants cannot blow up the series count
 */
public record ObservabilitySettings(LogFormat logFormat, boolean tenantMetrics, int tenantMetricsMax) {
    public enum LogFormat { TEXT, JSON }

    static ObservabilitySettings from(SettingReader r) {
        LogFormat format = LogFormat.TEXT;
        if (r.isSet(Setting.LOG_FORMAT)) {
            String f = r.string(Setting.LOG_FORMAT).orElseThrow().toLowerCase(Locale.ROOT);
            if (!f.equals("text") && !f.equals("json")) {
                throw SettingReader.invalid(r.raw(Setting.LOG_FORMAT), "is not a log format", "text or json");
            }
            format = LogFormat.valueOf(f.toUpperCase(Locale.ROOT));
        }
        return new ObservabilitySettings(format, r.bool(Setting.TENANT_METRICS, false),
                r.integer(Setting.TENANT_METRICS_MAX, io.rtgw.metrics.MetricsOptions.DEFAULT_MAX_TENANTS, 1, 100_000, "a whole number from 1 to 100000, like 100"));
    }
}
