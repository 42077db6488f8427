package io.fanout.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small append-only JSON byte writer for envelopes and problems. Upstream bodies are appended as validated raw
 * bytes, keys known at compile time are pre-encoded, so rendering an answer costs little more than copying.
 */
public final class JsonBytes {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    public JsonBytes(int capacity) {
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** A JSON string literal, quotes included, as bytes (for keys known at compile time). */
    public static byte[] quoted(String s) {
        JsonBytes b = new JsonBytes(s.length() + 8);
        b.string(s);
        return b.toByteArray();
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public JsonBytes raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /**
     * Copies one valid JSON document without its line breaks, so that it stays on one NDJSON line or in one SSE
     * {@code data} field whatever the upstream's formatting. In valid JSON (see {@link JsonValidator}) CR and LF
     * only occur as whitespace between tokens (inside strings they must be escaped), and no two tokens need them
     * as a separator, so dropping them changes nothing but the layout; no tree is built.
     */
    public JsonBytes rawOnOneLine(byte[] json) {
        int n = json.length;
        ensure(n);
        int from = 0;
        for (int i = 0; i < n; i++) {
            byte c = json[i];
            if (c == '\n' || c == '\r') {
                System.arraycopy(json, from, buf, size, i - from);
                size += i - from;
                from = i + 1;
            }
        }
        System.arraycopy(json, from, buf, size, n - from);
        size += n - from;
        return this;
    }

    public JsonBytes raw(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    /** ASCII text without escaping (field names and fixed fragments written in code). */
    public JsonBytes ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** A decimal integer, written digit by digit (no String per number). */
    public JsonBytes number(long v) {
        if (v == Long.MIN_VALUE) {
            return ascii(Long.toString(v));
        }
        ensure(20);
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        int first = size;
        do {
            buf[size++] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        for (int lo = first, hi = size - 1; lo < hi; lo++, hi--) {
            byte t = buf[lo];
            buf[lo] = buf[hi];
            buf[hi] = t;
        }
        return this;
    }

    /** A JSON string with escaping; non-ASCII is written as UTF-8. */
    public JsonBytes string(String s) {
        int n = s.length();
        ensure(n + 2);
        buf[size++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                ensure(1);
                buf[size++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                buf[size++] = '\\';
                buf[size++] = (byte) c;
            } else if (c < 0x20 || c == 0x7F) {
                ensure(6);
                buf[size++] = '\\';
                buf[size++] = 'u';
                buf[size++] = '0';
                buf[size++] = '0';
                buf[size++] = HEX[c >> 4 & 0xF];
                buf[size++] = HEX[c & 0xF];
            } else {
                int end = i + 1;
                if (Character.isHighSurrogate(c) && end < n) {
                    end++;
                }
                byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                raw(utf8);
                i = end - 1;
            }
        }
        ensure(1);
        buf[size++] = '"';
        return this;
    }

    public int size() {
        return size;
    }

    /** Empties the writer and keeps its buffer, so a reused writer allocates nothing (the pooled envelope). */
    public JsonBytes clear() {
        size = 0;
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The internal buffer (valid up to {@link #size()}); avoids a copy when wrapping for the response. */
    public byte[] buffer() {
        return buf;
    }
}
