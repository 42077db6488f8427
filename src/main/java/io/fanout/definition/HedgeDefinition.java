package io.fanout.definition;

import java.time.Duration;

/** GET only: after {@code after}, one more attempt if the first has not answered, within {@code budget} (0..1). */
public record HedgeDefinition(Duration after, double budget) {}
