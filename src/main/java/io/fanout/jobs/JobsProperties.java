package io.fanout.jobs;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
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
 *                           stalled client cannot keep a transaction and a pooled connection open
 */
@Validated
@ConfigurationProperties("fanout.jobs")
public record JobsProperties(
        @DefaultValue("64") int workers,
        @DefaultValue("16") int defaultConcurrency,
        @DefaultValue("1024") int maxConcurrency,
        @DefaultValue("1000000") int maxItems,
        @DefaultValue("16KB") DataSize maxLineLength,
        @DefaultValue("16MB") DataSize maxJsonBody,
        @DefaultValue("1000") int insertBatch,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("30s") Duration retryMaxBackoff,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("5s") Duration shutdownGrace,
        @DefaultValue("60s") Duration uploadIdleTimeout) {

    public JobsProperties {
        positive("workers", workers);
        positive("default-concurrency", defaultConcurrency);
        positive("max-concurrency", maxConcurrency);
        positive("max-items", maxItems);
        positive("insert-batch", insertBatch);
        positive("max-attempts", maxAttempts);
        if (maxLineLength.toBytes() <= 0 || maxLineLength.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("fanout.jobs.max-line-length must be positive but was "
                    + maxLineLength);
        }
        if (maxJsonBody.toBytes() <= 0 || maxJsonBody.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("fanout.jobs.max-json-body must be positive but was " + maxJsonBody);
        }
        positive("lease", lease);
        positive("poll-interval", pollInterval);
        positive("retry-backoff", retryBackoff);
        positive("retry-max-backoff", retryMaxBackoff);
        positive("retention", retention);
        positive("upload-idle-timeout", uploadIdleTimeout);
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("fanout.jobs.shutdown-grace must not be negative but was "
                    + shutdownGrace.toMillis() + "ms");
        }
        if (defaultConcurrency > maxConcurrency) {
            throw new IllegalArgumentException("fanout.jobs.default-concurrency must be at most max-concurrency ("
                    + maxConcurrency + ") but was " + defaultConcurrency);
        }
    }

    /** Backoff before run {@code attempt + 1}, after {@code attempt} failed runs. */
    Duration backoff(int attempt) {
        long millis = retryBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(millis, retryMaxBackoff.toMillis()));
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("fanout.jobs." + name + " must be positive but was " + value);
        }
    }

    private static void positive(String name, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("fanout.jobs." + name + " must be positive but was "
                    + (value == null ? "missing" : value.toMillis() + "ms"));
        }
    }
}
