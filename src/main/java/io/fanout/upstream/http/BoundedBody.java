package io.fanout.upstream.http;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Accumulates an upstream body while refusing to grow beyond {@code max-response-size}. Memory follows the bytes
 * that arrived, never what the upstream announced: a {@code Content-Length} only sizes the buffer up to
 * {@link #FIRST_CHUNK} before anything came, so an upstream that declares 2 MB and sends nothing costs nothing.
 */
final class BoundedBody {

    /** The most a declared length reserves ahead of the bytes. */
    static final int FIRST_CHUNK = 16 * 1024;

    private static final byte[] EMPTY = new byte[0];

    private byte[] buf = EMPTY;
    private int size;
    private final long limit;
    private final long declared;

    /**
     * @param declared the upstream's {@code Content-Length}, or -1
     * @param limit    {@code max-response-size}
     */
    BoundedBody(long declared, long limit) {
        this.declared = declared;
        this.limit = limit;
    }

    void append(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (size + (long) n > limit) {
            throw new TooLarge();
        }
        if (size + n > buf.length) {
            grow(size + n);
        }
        chunk.getBytes(chunk.readerIndex(), buf, size, n);
        size += n;
    }

    private void grow(int needed) {
        long capacity = Math.max(needed, buf.length * 2L);
        if (buf.length == 0) {
            // a small declared body gets its exact size at once (no copy at the end); a large one a first chunk
            capacity = declared > 0 ? Math.max(needed, Math.min(declared, FIRST_CHUNK)) : Math.max(needed, 1024);
        } else if (declared > 0 && declared >= needed) {
            capacity = Math.min(capacity, declared);
        }
        buf = Arrays.copyOf(buf, (int) Math.min(limit, capacity));
    }

    /** Bytes reserved right now (what the body costs in memory so far). */
    int capacity() {
        return buf.length;
    }

    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    /** Thrown when the body passes the limit; stackless, it is an expected outcome. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("too large", null, false, false);
        }
    }
}
