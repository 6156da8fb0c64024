package io.rtgw.bench.run;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The tokens the load generator presents: one per user, each with a small {@code info} claim
 * (docs/protocol.md §9) so presence entries and join/leave carry what an app would put there.
 * The same tokens are used with presence on and off, so the two runs differ only in the server's
 * configuration (token verification, and its cache of verified tokens, cost the same).
 */
final class BenchTokens {
    private BenchTokens() {
    }

    static List<String> forUsers(String secret, String tenant, String channelPattern, int users) throws Exception {
        MACSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        Instant now = Instant.now();
        List<String> tokens = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(user(u))
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofHours(6))))
                    .claim("tenant", tenant)
                    .claim("channels", List.of(channelPattern))
                    .claim("publish", List.of())
                    .claim("info", Map.of("name", "User " + u, "avatar", "/a/" + u + ".png"))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            tokens.add(jwt.serialize());
        }
        return tokens;
    }

    static String user(int u) {
        return "bench-" + u;
    }
}
