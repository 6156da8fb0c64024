package io.rtgw.transport;

import io.rtgw.core.ChannelPattern;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.auth.Authenticator;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Tokens of the form {@code user/tenant/grant,grant[/expSeconds]} so transport tests need no JWT
 * library; "expired" and anything unparsable are refused like a real verifier would, "revoked" and
 * "unchecked" as the revocation check refuses them (docs/protocol.md §7).
 */
final class TestAuthenticator implements Authenticator {
    static String token(String user, String tenant, String... grants) {
        return user + "/" + tenant + "/" + String.join(",", grants);
    }

    static String tokenExpiringAt(long exp, String user, String tenant, String... grants) {
        return token(user, tenant, grants) + "/" + exp;
    }

    @Override
    public CompletableFuture<ClientIdentity> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.MISSING, "no token"));
        }
        if (token.equals("expired")) {
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.EXPIRED, "token expired"));
        }
        if (token.equals("revoked")) { // what RevocationCheck answers for a revoked token
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.REVOKED, "token revoked"));
        }
        if (token.equals("unchecked")) { // what RevocationCheck answers before the node loaded its revocations
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.UNAVAILABLE, "not loaded"));
        }
        String[] parts = token.split("/", -1);
        if (parts.length < 3) {
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "bad token"));
        }
        try {
            List<ChannelPattern> grants = parts[2].isEmpty() ? List.of()
                    : Arrays.stream(parts[2].split(",")).map(ChannelPattern::parse).toList();
            long exp = parts.length > 3 ? Long.parseLong(parts[3]) : 0;
            return CompletableFuture.completedFuture(new ClientIdentity(parts[0], parts[1], exp, grants, grants));
        } catch (IllegalArgumentException malformed) {
            // A real verifier refuses a token with a malformed grant or claim; it does not throw.
            return CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "bad token"));
        }
    }
}
