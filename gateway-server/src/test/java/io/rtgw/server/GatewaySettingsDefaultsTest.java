package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.SessionSettings;
import io.rtgw.server.config.ConfigLoader;
import io.rtgw.server.config.GatewayConfig;
import io.rtgw.transport.AbuseLimits;
import io.rtgw.transport.TransportSettings;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An unconfigured node runs with the defaults the transport and session records declare: one value per setting. */
class GatewaySettingsDefaultsTest {
    private static final GatewayConfig DEFAULTS = ConfigLoader.load(null,
            Map.of("RTGW_API_KEY", "k", "RTGW_JWT_SECRET", "0123456789abcdef0123456789abcdef"), false);

    @Test
    void transportSettingsAreTheTransportDefaults() {
        TransportSettings built = Gateway.transportSettings(DEFAULTS);
        assertThat(built).isEqualTo(TransportSettings.defaults(built.bind(), built.port()));
        assertThat(Gateway.abuseLimits(DEFAULTS).handshakeTimeout()).isEqualTo(AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(Gateway.abuseLimits(DEFAULTS).idleTimeout()).isEqualTo(AbuseLimits.DEFAULT_IDLE_TIMEOUT);
        assertThat(Gateway.abuseLimits(DEFAULTS).maxSockets()).isZero();
    }

    @Test
    void onlyTheConfiguredProxiesAreTrusted() throws Exception {
        assertThat(Gateway.abuseLimits(DEFAULTS).trustedProxy().test(InetAddress.getByName("127.0.0.1"))).isFalse();
        GatewayConfig proxied = ConfigLoader.load(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_SECRET",
                "0123456789abcdef0123456789abcdef", "RTGW_TRUSTED_PROXIES", "10.0.0.0/8,::1"), false);
        var trusted = Gateway.abuseLimits(proxied).trustedProxy();
        assertThat(trusted.test(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(trusted.test(InetAddress.getByName("::1"))).isTrue();
        assertThat(trusted.test(InetAddress.getByName("11.0.0.1"))).isFalse();
    }

    @Test
    void sessionSettingsAreTheSessionDefaults() {
        SessionSettings built = Gateway.sessionSettings(DEFAULTS);
        SessionSettings d = SessionSettings.DEFAULTS;
        assertThat(built.skew()).isEqualTo(d.skew());
        assertThat(built.expiringLead()).isEqualTo(d.expiringLead());
        assertThat(built.maxLifetime()).isEqualTo(d.maxLifetime());
        assertThat(built.maxSubscriptions()).isEqualTo(d.maxSubscriptions());
        assertThat(built.personalChannel()).isEqualTo(d.personalChannel());
        assertThat(built.maxPendingPerChannel()).isEqualTo(d.maxPendingPerChannel());
    }
}
