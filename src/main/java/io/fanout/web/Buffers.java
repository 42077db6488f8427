package io.fanout.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/** Request-body buffers to bytes. */
public final class Buffers {

    private Buffers() {}

    /** The readable bytes of {@code buffer}, which is released whatever happens. */
    public static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] b = new byte[buffer.readableByteCount()];
            buffer.read(b);
            return b;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
