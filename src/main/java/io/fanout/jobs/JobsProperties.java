package io.fanout.jobs;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Batch job tuning, under {@code fanout.jobs}.
 *
 * @param workers            items this instance runs at once, over all jobs (shared fairly between them)
 * @param defaultConcurrency a job's {@code concurrency} when the submission gives none
 * @param maxConcurrency     largest {@code concurrency} a submission may ask for
 * @param maxItems           largest number of items in one job
 * @param maxLineLength      longest line of an upload (and longest item of a JSON body), in bytes
 * @param maxJsonBody        largest JSON (non-streamed) submission body
 * @param insertBatch        items written per INSERT while an upload is parsed
 * @param lease              how long a claimed item belongs to its worker; renewed every third of it
 * @param pollInterval       how often workers look for work without a notification (and reap expired leases)
 * @param maxAttempts        runs of an item whose answer is a retryable failure (5xx), the first included
 * @param retryBackoff       wait before the second run; doubles per run
 * @param retryMaxBackoff    longest wait between runs
 * @param retention          finished (completed or cancelled) jobs are deleted this long after they finished
 * @param shutdownGrace      on shutdown, how long running items may finish before their leases are given back
 * @param uploadIdleTimeout  an upload that sends nothing for this long is abandoned (408) and rolled back, so a
 *                           stalled client cannot keep its staged rows alive
 *
 * <p>Checked by Bean Validation at start-up: a bad value fails start-up naming the property.
 */
@Validated
@ConfigurationProperties("fanout.jobs")
public record JobsProperties(
        @DefaultValue("64") @Positive int workers,
        @DefaultValue("16") @Positive int defaultConcurrency,
        @DefaultValue("1024") @Positive int maxConcurrency,
        @DefaultValue("1000000") @Positive int maxItems,

        @DefaultValue("16KB") @NotNull @ByteSize(max = Integer.MAX_VALUE / 2)
        DataSize maxLineLength,

        @DefaultValue("16MB") @NotNull @ByteSize(max = Integer.MAX_VALUE / 2)
        DataSize maxJsonBody,

        @DefaultValue("1000") @Positive int insertBatch,

        @DefaultValue("30s") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration lease,

        @DefaultValue("1s") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration pollInterval,

        @DefaultValue("3") @Positive int maxAttempts,

        @DefaultValue("1s") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration retryBackoff,

        @DefaultValue("30s") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration retryMaxBackoff,

        @DefaultValue("7d") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration retention,

        @DefaultValue("5s") @NotNull @DurationMin(nanos = 0) Duration shutdownGrace,

        @DefaultValue("60s") @NotNull @DurationMin(nanos = 0, inclusive = false)
        Duration uploadIdleTimeout) {

    /** Bean Validation of the one rule between two properties (reported as {@code default-concurrency-at-most-max}). */
    @AssertTrue(message = "default-concurrency must be at most max-concurrency")
    public boolean isDefaultConcurrencyAtMostMax() {
        return defaultConcurrency <= maxConcurrency;
    }

    /** Backoff before run {@code attempt + 1}, after {@code attempt} failed runs. */
    Duration backoff(int attempt) {
        long millis = retryBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(millis, retryMaxBackoff.toMillis()));
    }
}
