package io.rtgw.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable set of server-API keys, each global or bound to one tenant. Several keys may be
 * valid at once so that a key can be rotated without downtime: add the new key, move the
 * publishers, remove the old one.
 *
 * <p>Only SHA-256 digests are kept and every check compares the digest of the presented key with
 * every stored digest using {@link MessageDigest#isEqual}: the time taken does not depend on how
 * much of a key was right, nor on which key matched.
 */
public final class ApiKeySet {
    /** Shorter keys could be guessed online; a generated key is far longer. */
    public static final int MIN_KEY_LENGTH = 16;

    private final List<Entry> entries;

    private ApiKeySet(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ApiKeySet empty() {
        return new ApiKeySet(List.of());
    }

    public int size() {
        return entries.size();
    }

    /** The scope of the key, or empty when it is not one of ours (or is null/blank). */
    public Optional<ApiKeyScope> check(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(key);
        ApiKeyScope found = null;
        for (Entry entry : entries) {
            // No early exit: every entry is compared whatever the outcome.
            if (MessageDigest.isEqual(entry.digest, presented) && found == null) {
                found = entry.scope;
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static final class Entry {
        final byte[] digest;
        final ApiKeyScope scope;

        Entry(byte[] digest, ApiKeyScope scope) {
            this.digest = digest;
            this.scope = scope;
        }
    }

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private final List<byte[]> seen = new ArrayList<>();

        private Builder() {
        }

        /** A key valid for every tenant (RTGW_API_KEY). */
        public Builder global(String key) {
            return add(key, ApiKeyScope.global());
        }

        /** A key valid only for {@code tenant}'s channels. */
        public Builder tenant(String key, String tenant) {
            return add(key, ApiKeyScope.tenant(tenant));
        }

        public Builder add(String key, ApiKeyScope scope) {
            Objects.requireNonNull(scope, "scope");
            if (key == null || key.length() < MIN_KEY_LENGTH || key.isBlank()) {
                throw new IllegalArgumentException("RTGW_API_KEY: an API key must be at least "
                        + MIN_KEY_LENGTH + " characters");
            }
            byte[] digest = sha256(key);
            for (byte[] other : seen) {
                if (MessageDigest.isEqual(other, digest)) {
                    // The same key with two scopes would make its rights depend on list order.
                    throw new IllegalArgumentException("RTGW_API_KEY: the same API key is listed twice");
                }
            }
            seen.add(digest);
            entries.add(new Entry(digest, scope));
            return this;
        }

        public ApiKeySet build() {
            return new ApiKeySet(entries);
        }
    }
}
