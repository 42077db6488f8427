package io.fanout.upstream.http;

import io.fanout.upstream.CallFailure;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Reads an upstream's {@code Retry-After} (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. An absurd value (more
 * digits than a long holds, a date centuries ahead) is clamped to {@link CallFailure#MAX_RETRY_AFTER} here, so no
 * arithmetic on it can overflow, and being later than any deadline it means "no retry" (SPEC §7).
 */
final class RetryAfter {

    private RetryAfter() {}

    /** The wait the header asks for, within {@code [0, MAX_RETRY_AFTER]}; null when absent or unreadable. */
    static @Nullable Duration parse(@Nullable String header) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // at most 6 digits fit in a day; anything longer is beyond the cap without parsing it
            return v.length() > 6
                    ? CallFailure.MAX_RETRY_AFTER
                    : CallFailure.clamp(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            return CallFailure.clamp(Duration.between(ZonedDateTime.now(at.getZone()), at));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
