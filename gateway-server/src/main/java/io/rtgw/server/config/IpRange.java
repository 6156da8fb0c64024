package io.rtgw.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block from {@code trusted_proxies}. Only literals are accepted: resolving
 * host names here would make the trust decision depend on DNS at start-up.
 */
public final class IpRange {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** @throws Formats.BadValue when {@code text} is not an IP literal or CIDR block */
    static IpRange parse(String text) {
        int slash = text.indexOf('/');
        byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new Formats.BadValue("is not an IP address or CIDR block");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new Formats.BadValue("has a bad prefix length");
            }
        }
        // 10.1.2.3/8 is usually a mistake for 10.1.2.3 or 10.0.0.0/8; guessing which would be worse.
        if (!Arrays.equals(address, mask(address, prefix))) {
            throw new Formats.BadValue("has bits set after the prefix", "a network address like 10.0.0.0/8, or a single IP");
        }
        return new IpRange(address, prefix, text);
    }

    /** The address bytes when {@code s} is an IPv4/IPv6 literal, else null; never touches DNS. */
    static byte[] literal(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        String literal;
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
            literal = s;
        } else if (IPV6.matcher(s).matches()) {
            // In brackets the JDK accepts only an IPv6 literal and never falls back to a DNS lookup.
            literal = "[" + s + "]";
        } else {
            return null;
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.length && Arrays.equals(mask(a, prefixLength), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && prefixLength == r.prefixLength && Arrays.equals(network, r.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
