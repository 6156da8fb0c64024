package io.rtgw.server.config;

import java.security.SecureRandom;
import java.util.Base64;

/** Dev-mode secrets: 32 random bytes (256 bits, enough for HS256), URL-safe so they paste into headers and URLs. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
