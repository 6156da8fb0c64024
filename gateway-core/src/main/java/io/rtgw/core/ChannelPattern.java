package io.rtgw.core;

/**
 * One grant of a token's {@code channels} or {@code publish} claim: an exact channel name, or a
 * prefix followed by a single trailing {@code *} ({@code dashboard:*}); a lone {@code *} grants
 * every channel of the tenant.
 */
public final class ChannelPattern {
    private final String text;
    private final String prefix;
    private final boolean wildcard;

    private ChannelPattern(String text) {
        this.text = text;
        this.wildcard = text.endsWith("*");
        this.prefix = wildcard ? text.substring(0, text.length() - 1) : text;
    }

    /** @throws IllegalArgumentException when the pattern is not an exact name or a trailing-* prefix */
    public static ChannelPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("channel pattern is empty");
        }
        String body = text.endsWith("*") ? text.substring(0, text.length() - 1) : text;
        if (!body.isEmpty() && !ChannelName.isValidName(body)) {
            throw new IllegalArgumentException("channel pattern '" + text
                    + "' is not a channel name or a name prefix followed by one '*'");
        }
        return new ChannelPattern(text);
    }

    public boolean matches(String channel) {
        return wildcard ? channel.startsWith(prefix) : channel.equals(prefix);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelPattern other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
