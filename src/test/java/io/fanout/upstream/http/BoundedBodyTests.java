package io.fanout.upstream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Memory follows the bytes that arrived, not what the upstream announced (hardening: no pre-allocation). */
class BoundedBodyTests {

    private static final long LIMIT = 2 * 1024 * 1024;

    @Test
    void shouldReserveNothingBeforeBytesArriveWhateverTheDeclaredLength() {
        BoundedBody body = new BoundedBody(LIMIT, LIMIT);

        assertThat(body.capacity()).isZero();
    }

    @Test
    void shouldReserveAtMostAFirstChunkForALargeDeclaredLength() {
        BoundedBody body = new BoundedBody(LIMIT, LIMIT);

        body.append(Unpooled.wrappedBuffer(new byte[10]));

        assertThat(body.capacity()).isLessThanOrEqualTo(BoundedBody.FIRST_CHUNK);
        assertThat(body.toByteArray()).hasSize(10);
    }

    @Test
    void shouldSizeASmallDeclaredBodyExactlySoItIsNotCopiedAtTheEnd() {
        BoundedBody body = new BoundedBody(300, LIMIT);

        body.append(Unpooled.wrappedBuffer(new byte[100]));
        body.append(Unpooled.wrappedBuffer(new byte[200]));

        assertThat(body.capacity()).isEqualTo(300);
        assertThat(body.toByteArray()).hasSize(300);
    }

    @Test
    void shouldGrowWithTheBytesAndRefuseThemPastTheLimit() {
        BoundedBody body = new BoundedBody(-1, 100_000);
        byte[] chunk = new byte[30_000];

        body.append(Unpooled.wrappedBuffer(chunk));
        body.append(Unpooled.wrappedBuffer(chunk));
        body.append(Unpooled.wrappedBuffer(chunk));

        assertThat(body.toByteArray()).hasSize(90_000);
        assertThatThrownBy(() -> body.append(Unpooled.wrappedBuffer(chunk))).isInstanceOf(BoundedBody.TooLarge.class);
    }
}
