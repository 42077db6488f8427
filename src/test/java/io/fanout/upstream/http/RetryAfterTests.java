package io.fanout.upstream.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.upstream.CallFailure;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** {@code Retry-After} is read as seconds or a date and clamped, so no value can overflow later arithmetic. */
class RetryAfterTests {

    @Test
    void shouldReadDeltaSeconds() {
        assertThat(RetryAfter.parse(" 120 ")).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldClampAbsurdValuesToTheMaximumWait() {
        assertThat(RetryAfter.parse("9223372036854775807")).isEqualTo(CallFailure.MAX_RETRY_AFTER);
        assertThat(RetryAfter.parse("99999999999999999999999999")).isEqualTo(CallFailure.MAX_RETRY_AFTER);
        assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT")).isEqualTo(CallFailure.MAX_RETRY_AFTER);
        assertThat(RetryAfter.parse("86401")).isEqualTo(CallFailure.MAX_RETRY_AFTER);
        assertThat(CallFailure.MAX_RETRY_AFTER.toMillis())
                .as("no overflow in millis")
                .isPositive();
    }

    @Test
    void shouldReadAnHttpDateAndTreatThePastAsNow() {
        String soon = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));

        assertThat(RetryAfter.parse(soon)).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(31));
        assertThat(RetryAfter.parse("Thu, 01 Jan 1970 00:00:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldIgnoreWhatIsNeitherSecondsNorADate() {
        assertThat(RetryAfter.parse(null)).isNull();
        assertThat(RetryAfter.parse("soon")).isNull();
        assertThat(RetryAfter.parse("-5")).isNull();
        assertThat(RetryAfter.parse("")).isNull();
    }
}
