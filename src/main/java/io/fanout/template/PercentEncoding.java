package io.fanout.template;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for substituted values: everything but RFC 3986 unreserved characters is encoded (UTF-8), so a
 * value can never add a path segment, a query parameter, a fragment or change the host. Written by hand because it
 * sits on the hot path and must not allocate more than the output.
 */
public final class PercentEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final boolean[] UNRESERVED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            UNRESERVED[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            UNRESERVED[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            UNRESERVED[c] = true;
        }
        UNRESERVED['-'] = true;
        UNRESERVED['.'] = true;
        UNRESERVED['_'] = true;
        UNRESERVED['~'] = true;
    }

    private PercentEncoding() {}

    /** Appends {@code value} percent-encoded for any place in a URL. */
    public static void encode(String value, StringBuilder out) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 128 && UNRESERVED[c]) {
                out.append(c);
            } else if (c < 128) {
                appendByte(out, c);
            } else {
                // rare: encode the rest of the value through UTF-8 in one go
                byte[] bytes = value.substring(i).getBytes(StandardCharsets.UTF_8);
                for (byte b : bytes) {
                    int v = b & 0xFF;
                    if (v < 128 && UNRESERVED[v]) {
                        out.append((char) v);
                    } else {
                        appendByte(out, v);
                    }
                }
                return;
            }
        }
    }

    public static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        encode(value, sb);
        return sb.toString();
    }

    private static void appendByte(StringBuilder out, int v) {
        out.append('%').append(HEX[v >> 4]).append(HEX[v & 0xF]);
    }

    /** Decodes %XX sequences (UTF-8); malformed sequences are kept as they are. */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] out = new byte[s.length() * 3];
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out[o++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
            } else if (c < 128) {
                out[o++] = (byte) c;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                System.arraycopy(b, 0, out, o, b.length);
                o += b.length;
            }
        }
        return new String(out, 0, o, StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
