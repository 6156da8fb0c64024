package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.auth.DevTokens;
import io.rtgw.auth.JwtAuthenticator;
import io.rtgw.auth.JwtVerifierSettings;
import io.rtgw.core.ClientIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTokensTest {
    @Test
    void eachUserGetsATokenTheGatewayAcceptsWithItsInfo() throws Exception {
        String secret = DevTokens.randomSecret();
        List<String> tokens = BenchTokens.forUsers(secret, "bench", "bench:*", 3);
        assertThat(tokens).hasSize(3).doesNotHaveDuplicates();
        try (JwtAuthenticator a = new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(secret).build())) {
            ClientIdentity id = a.authenticate(tokens.get(2)).join();
            assertThat(id.user()).isEqualTo("bench-2");
            assertThat(id.tenant()).isEqualTo("bench");
            assertThat(id.info()).contains("\"name\":\"User 2\"");
        }
    }
}
