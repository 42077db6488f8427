package io.fanout.definition;

import java.time.Duration;

/** Token bucket: {@code rate} refill, {@code burst} capacity, waiting up to {@code maxWait} for a token. */
public record RateLimitDefinition(Rate rate, int burst, Duration maxWait) {}
