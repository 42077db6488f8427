package io.fanout.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A rendered composite answer: status, whether it is partial, the JSON bytes and, for 503, the Retry-After.
 *
 * @param status     HTTP status
 * @param problem    true for an RFC 9457 problem (content type application/problem+json)
 * @param partial    true when errors is non-empty (header Fanout-Partial: true)
 * @param body       bytes, valid up to {@code length}
 * @param length     number of valid bytes in {@code body}
 * @param retryAfter for 503 answers
 */
public record CompositeAnswer(int status, boolean problem, boolean partial, byte[] body, int length,
                              @Nullable Duration retryAfter) {
}
