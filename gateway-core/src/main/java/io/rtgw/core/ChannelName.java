package io.rtgw.core;

import java.util.Objects;

/**
 * A channel as the gateway sees it: the tenant (always from the verified token) plus the name the
 * client used. Validated once, here, so no other layer needs to re-check it; the validation
 * rules are the ones of docs/protocol.md §2 and they make every {@code tenant:name} pair unambiguous.
 */
public final class ChannelName {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_TENANT_LENGTH = 64;

    private final String tenant;
    private final String name;
    private final int hash;

    private ChannelName(String tenant, String name) {
        this.tenant = tenant;
        this.name = name;
        this.hash = 31 * tenant.hashCode() + name.hashCode();
    }

    /** @throws InvalidChannelException with a message that can be shown to the client */
    public static ChannelName of(String tenant, String name) {
        requireValidTenant(tenant);
        String problem = nameProblem(name);
        if (problem != null) {
            throw new InvalidChannelException(problem);
        }
        return new ChannelName(tenant, name);
    }

    public static void requireValidTenant(String tenant) {
        if (!isValidTenant(tenant)) {
            throw new InvalidChannelException("tenant must be 1-" + MAX_TENANT_LENGTH
                    + " characters of A-Z a-z 0-9 _ -");
        }
    }

    public static boolean isValidTenant(String tenant) {
        if (tenant == null || tenant.isEmpty() || tenant.length() > MAX_TENANT_LENGTH) {
            return false;
        }
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            if (!(isAlphanumeric(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static boolean isValidName(String name) {
        return nameProblem(name) == null;
    }

    /** Null when the name is acceptable, else a sentence for the client. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "channel name is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "channel name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return "channel name may only contain A-Z a-z 0-9 _ - . : @ = | + (found '"
                        + printable(name.charAt(i)) + "' at " + i + ")";
            }
        }
        return null;
    }

    static boolean isNameChar(char c) {
        return isAlphanumeric(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '@'
                || c == '=' || c == '|' || c == '+';
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    public String tenant() {
        return tenant;
    }

    /** The name relative to the tenant: what clients see and send. */
    public String name() {
        return name;
    }

    /** The part before the first ':'; channels without one are in the default namespace "". */
    public String namespace() {
        int colon = name.indexOf(':');
        return colon < 0 ? "" : name.substring(0, colon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelName other && hash == other.hash && tenant.equals(other.tenant)
                && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return tenant + "/" + name;
    }

    public static final class InvalidChannelException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidChannelException(String message) {
            super(Objects.requireNonNull(message, "message"));
        }
    }
}
