package io.fanout.edge;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The address an anonymous caller is metered by: the peer's, or — only when the peer is one of
 * {@code fanout.trusted-proxies} — the nearest {@code X-Forwarded-For} entry that is not a trusted proxy. A forged
 * header from anyone else changes nothing. Only IP literals are read: a name in the header is never resolved.
 */
final class ClientAddress {

    private record Cidr(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = prefix;
            for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Cidr> trusted;

    /**
     * @param trustedProxies CIDRs ({@code 10.0.0.0/8}) or single addresses
     * @throws IllegalArgumentException naming the entry that is neither
     */
    ClientAddress(List<String> trustedProxies) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String entry : trustedProxies) {
            String[] parts = entry.strip().split("/", 2);
            byte[] network = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            int prefix;
            try {
                prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network == null ? 0 : network.length * 8;
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (network == null || prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException(
                        "fanout.trusted-proxies: '" + entry + "' is not an IP address or CIDR (e.g. 10.0.0.0/8)");
            }
            cidrs.add(new Cidr(network, prefix));
        }
        this.trusted = List.copyOf(cidrs);
    }

    String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        byte[] peer = remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getAddress();
        if (peer == null) {
            return "unknown";
        }
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return text(peer);
        }
        List<String> forwarded = request.getHeaders().get("X-Forwarded-For");
        if (forwarded == null) {
            return text(peer);
        }
        List<String> hops = new ArrayList<>();
        forwarded.forEach(v -> {
            for (String hop : v.split(",")) {
                hops.add(hop.strip());
            }
        });
        byte[] client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = NetUtil.createByteArrayFromIpAddressString(hops.get(i));
            if (hop == null) {
                break;
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return text(client);
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String text(byte @Nullable [] address) {
        try {
            // an address literal: no lookup happens
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
