package io.fanout.definition;

import java.time.Duration;

/**
 * Circuit breaker over a sliding time window.
 *
 * @param failureRate  open when the failure share (0..1) reaches this
 * @param slowCall     calls slower than this count as slow
 * @param slowCallRate open when the slow share (0..1) reaches this
 * @param window       length of the sliding time window
 * @param minCalls     calls needed in the window before the rates are judged
 * @param openFor      time spent open before half-open probes
 */
public record CircuitBreakerDefinition(
        double failureRate, Duration slowCall, double slowCallRate, Duration window, int minCalls, Duration openFor) {}
