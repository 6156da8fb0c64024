package io.rtgw.transport;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Predicate;

/**
 * The address of the client behind a request. {@code X-Forwarded-For} is believed only from a
 * trusted proxy, and then read from the right: the first address that is not itself a trusted
 * proxy is the client (anything left of it was written by the client and proves nothing).
 */
public final class ClientAddress {
    private ClientAddress() {
    }

    public static InetAddress of(SocketAddress peer, HttpRequest request, Predicate<InetAddress> trustedProxy) {
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address == null || !trustedProxy.test(address)) {
            return address;
        }
        String forwarded = request.headers().get("X-Forwarded-For");
        if (forwarded == null) {
            return address;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = NetUtil.createInetAddressFromIpAddressString(hops[i].trim());
            if (hop == null) {
                return address; // garbage in the header: fall back to what we can see
            }
            address = hop;
            if (!trustedProxy.test(hop)) {
                return hop;
            }
        }
        return address;
    }
}
