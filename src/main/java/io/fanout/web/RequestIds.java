package io.fanout.web;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/** Accepts a client's X-Request-Id when it is sane (1-128 visible ASCII characters), else makes a new one. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = RequestIds.class.getName() + ".id";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    static String acceptOrGenerate(@Nullable String candidate) {
        return isSane(candidate) ? candidate : generate();
    }

    static boolean isSane(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits; ThreadLocalRandom because ids need uniqueness, not secrecy. */
    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        long b = r.nextLong();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[15 - i] = HEX[(int) (a >>> (i * 4)) & 0xF];
            out[31 - i] = HEX[(int) (b >>> (i * 4)) & 0xF];
        }
        return new String(out);
    }

    /** The id of the exchange's request (set by {@link RequestIdFilter}). */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        if (id == null) {
            id = acceptOrGenerate(exchange.getRequest().getHeaders().getFirst(HEADER));
            exchange.getAttributes().put(ATTRIBUTE, id);
        }
        return id;
    }
}
