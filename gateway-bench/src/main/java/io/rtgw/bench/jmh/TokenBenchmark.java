package io.rtgw.bench.jmh;

import io.rtgw.auth.DevTokens;
import io.rtgw.auth.JwtAuthenticator;
import io.rtgw.auth.JwtVerifierSettings;
import io.rtgw.core.ClientIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * HS256 verification: {@code verifyHs256} presents the same token again (a reconnect: served
 * from the verified-token cache), {@code verifyHs256Fresh} cycles through more distinct tokens
 * than the cache keeps (a first connect: parse, MAC check, claims to an identity).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenBenchmark {
    private static final int FRESH_TOKENS = 16_384;
    private JwtAuthenticator authenticator;
    private String token;
    private String[] fresh;
    private int next;

    @Setup
    public void setUp() {
        String secret = DevTokens.randomSecret();
        authenticator = new JwtAuthenticator(JwtVerifierSettings.builder().hmacSecret(secret).build());
        token = DevTokens.hs256(secret, "alice", "acme", List.of("room:*", "dashboard:7"), List.of(), Duration.ofHours(1));
        fresh = new String[FRESH_TOKENS];
        for (int i = 0; i < FRESH_TOKENS; i++) {
            fresh[i] = DevTokens.hs256(secret, "user" + i, "acme", List.of("room:*"), List.of(), Duration.ofHours(1));
        }
    }

    @TearDown
    public void tearDown() {
        authenticator.close();
    }

    @Benchmark
    public ClientIdentity verifyHs256() {
        return authenticator.authenticate(token).join();
    }

    @Benchmark
    public ClientIdentity verifyHs256Fresh() {
        next = (next + 1) & (FRESH_TOKENS - 1);
        return authenticator.authenticate(fresh[next]).join();
    }
}
