package io.fanout.jobs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;

/**
 * Cuts a byte stream into numbered UTF-8 lines as buffers arrive, holding at most one partial line (bounded by
 * the maximum line length) between buffers: the memory of an upload does not grow with its size. A line ends at
 * {@code \n}; a {@code \r} before it is dropped. Not thread-safe: one per upload, fed in order.
 */
final class LineSplitter {

    /** One physical line of the upload, numbered from 1, and its length in bytes (without the line break). */
    record Line(long number, String text, int bytes) {}

    private final int maxLength;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] partial = new byte[256];
    private int size;
    private long number;

    LineSplitter(int maxLength) {
        this.maxLength = maxLength;
    }

    /** The lines completed by {@code buffer} (which this releases neither). */
    List<Line> feed(DataBuffer buffer) {
        List<Line> lines = new ArrayList<>();
        int n = buffer.readableByteCount();
        for (int i = 0; i < n; i++) {
            byte b = buffer.read();
            if (b == '\n') {
                lines.add(complete());
            } else {
                append(b);
            }
        }
        return lines;
    }

    /** The last line when the upload does not end with a newline. */
    List<Line> finish() {
        return size == 0 ? List.of() : List.of(complete());
    }

    private void append(byte b) {
        if (size == maxLength + 1) { // +1: room for a trailing \r
            throw UploadException.atLine(number + 1, "longer than the limit of " + maxLength + " bytes");
        }
        if (size == partial.length) {
            partial = Arrays.copyOf(partial, Math.min(maxLength + 1, partial.length * 2));
        }
        partial[size++] = b;
    }

    private Line complete() {
        number++;
        int length = size > 0 && partial[size - 1] == '\r' ? size - 1 : size;
        if (length > maxLength) {
            throw UploadException.atLine(number, "longer than the limit of " + maxLength + " bytes");
        }
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(partial, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw UploadException.atLine(number, "not valid UTF-8");
        }
        size = 0;
        if (partial.length > 4096) {
            partial = new byte[256]; // one long line must not keep a large buffer alive for the rest of the upload
        }
        return new Line(number, text, length);
    }
}
