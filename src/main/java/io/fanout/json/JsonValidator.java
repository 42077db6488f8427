package io.fanout.json;

/**
 * The one JSON validator: a byte-level check that a body is exactly one JSON value in UTF-8, so that it can be
 * embedded in an answer as it is. Builds nothing and allocates nothing (2–3× faster than a Jackson parse,
 * docs/benchmarks.md). Upstream bodies are judged by it once, where the transport hands them over
 * ({@code io.fanout.upstream.TransportExchange}); client bodies where the web layer reads them.
 */
public final class JsonValidator {

    /** Deepest nesting accepted, as {@link JsonCodec}'s Jackson constraint. */
    static final int MAX_DEPTH = JsonCodec.MAX_DEPTH;
    /** Longest number token accepted, as Jackson's default {@code maxNumberLength}. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private JsonValidator() {}

    /**
     * True when {@code bytes} hold exactly one JSON value (RFC 8259) in UTF-8, with only JSON whitespace around
     * it, so that the bytes can be embedded in an answer as they are. A byte-level check that builds nothing and
     * allocates nothing. Nesting is limited to {@value #MAX_DEPTH} levels and numbers to {@value #MAX_NUMBER_LENGTH}
     * characters, as for Jackson here; unlike a Jackson parse it also rejects what cannot be embedded in a UTF-8
     * answer: a byte order mark, UTF-16/32 bodies, and malformed UTF-8 inside strings (overlong forms, encoded
     * surrogates, code points past U+10FFFF).
     */
    public static boolean isValid(byte[] bytes) {
        int end = bytes.length;
        int i = skipWhitespace(bytes, 0, end);
        if (i >= end) {
            return false;
        }
        i = value(bytes, i, end, 1);
        return i >= 0 && skipWhitespace(bytes, i, end) == end;
    }

    private static int skipWhitespace(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** One value starting at {@code b[i]} (not whitespace): the index just after it, or -1. */
    private static int value(byte[] b, int i, int end, int depth) {
        return switch (b[i]) {
            case '{' -> object(b, i + 1, end, depth);
            case '[' -> array(b, i + 1, end, depth);
            case '"' -> string(b, i + 1, end);
            case 't' -> literal(b, i, end, TRUE);
            case 'f' -> literal(b, i, end, FALSE);
            case 'n' -> literal(b, i, end, NULL);
            default -> number(b, i, end);
        };
    }

    private static int object(byte[] b, int i, int end, int depth) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        i = skipWhitespace(b, i, end);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return -1;
            }
            i = string(b, i + 1, end);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end || b[i] != ':') {
                return -1;
            }
            i = skipWhitespace(b, i + 1, end);
            if (i >= end) {
                return -1;
            }
            i = value(b, i, end, depth + 1);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end) {
                return -1;
            }
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    private static int array(byte[] b, int i, int end, int depth) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        i = skipWhitespace(b, i, end);
        if (i < end && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            if (i >= end) {
                return -1;
            }
            i = value(b, i, end, depth + 1);
            if (i < 0) {
                return -1;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end) {
                return -1;
            }
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i = skipWhitespace(b, i + 1, end);
        }
    }

    /** The rest of a string after its opening quote: the index after the closing quote, or -1. */
    private static int string(byte[] b, int i, int end) {
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (++i >= end) {
                    return -1;
                }
                switch (b[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        if (i + 4 >= end || !hex(b[i + 1]) || !hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4])) {
                            return -1;
                        }
                        i += 5;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else if (c < 0x20) {
                return -1;
            } else if (c < 0x80) {
                i++;
            } else {
                i = utf8(b, i, end, c);
                if (i < 0) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static boolean hex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** One multi-byte UTF-8 sequence starting with {@code lead} at {@code b[i]} (RFC 3629): the index after it. */
    private static int utf8(byte[] b, int i, int end, int lead) {
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 2;
            if (lead == 0xE0) {
                lo = 0xA0; // no overlong forms
            } else if (lead == 0xED) {
                hi = 0x9F; // no UTF-16 surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 3;
            if (lead == 0xF0) {
                lo = 0x90; // no overlong forms
            } else if (lead == 0xF4) {
                hi = 0x8F; // nothing past U+10FFFF
            }
        } else {
            return -1;
        }
        if (i + n >= end) {
            return -1;
        }
        int c = b[i + 1] & 0xFF;
        if (c < lo || c > hi) {
            return -1;
        }
        for (int k = 2; k <= n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return i + n + 1;
    }

    private static int literal(byte[] b, int i, int end, byte[] word) {
        if (i + word.length > end) {
            return -1;
        }
        for (int k = 1; k < word.length; k++) {
            if (b[i + k] != word[k]) {
                return -1;
            }
        }
        return i + word.length;
    }

    private static int number(byte[] b, int i, int end) {
        int start = i;
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i + 1, end);
        } else {
            return -1;
        }
        if (i < end && b[i] == '.') {
            int from = i + 1;
            i = digits(b, from, end);
            if (i == from) {
                return -1;
            }
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int from = i;
            i = digits(b, from, end);
            if (i == from) {
                return -1;
            }
        }
        return i - start > MAX_NUMBER_LENGTH ? -1 : i;
    }

    private static int digits(byte[] b, int i, int end) {
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }
}
