package io.fanout.upstream.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delayed hedging: if the first attempt has not answered after {@code after}, a second one starts (when the budget
 * allows); the first success wins and the other attempt is cancelled. A failure that comes before the hedge started
 * is final at once (retrying is the retry layer's job); once both run, the call fails only when both have failed,
 * with the later failure.
 */
final class Hedger {

    private record Outcome<T>(@Nullable T value, @Nullable Throwable error) {
    }

    private Hedger() {
    }

    /**
     * @param attempt   makes one attempt (called once or twice per subscription)
     * @param after     delay before the hedge
     * @param mayHedge  asked when the delay ends; false (budget spent) means no hedge
     * @param onHedge   told when a hedge starts
     */
    static <T> Mono<T> hedge(Supplier<Mono<T>> attempt, Duration after, BooleanSupplier mayHedge, Runnable onHedge) {
        return Mono.defer(() -> {
            AtomicBoolean hedged = new AtomicBoolean();
            int[] failures = {0}; // only touched inside handle(), which merge serializes
            Mono<Outcome<T>> first = outcome(attempt.get());
            Mono<Outcome<T>> second = Mono.delay(after).flatMap(tick -> {
                if (!mayHedge.getAsBoolean()) {
                    return Mono.empty();
                }
                hedged.set(true);
                onHedge.run();
                return outcome(attempt.get());
            });
            return Flux.merge(first, second)
                    .<T>handle((o, sink) -> {
                        if (o.value() != null) {
                            sink.next(o.value());
                            return;
                        }
                        failures[0]++;
                        // without a hedge running, the first failure is the answer (and cancels the pending delay)
                        if (!hedged.get() || failures[0] == 2) {
                            sink.error(o.error());
                        }
                    })
                    .next(); // the first value cancels the other attempt
        });
    }

    private static <T> Mono<Outcome<T>> outcome(Mono<T> attempt) {
        return attempt.map(v -> new Outcome<T>(v, null))
                .onErrorResume(e -> Mono.just(new Outcome<>(null, e)));
    }
}
