package io.fanout.upstream.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RetryBudgetTests {

    @Test
    void shouldAllowAShareOfRecentCallsPlusTheFloor() {
        StepVerifier.withVirtualTime(() -> Mono.fromCallable(() -> {
                    RetryBudget budget = new RetryBudget(0.2, 10, Duration.ofSeconds(10));
                    for (int i = 0; i < 100; i++) {
                        budget.recordCall();
                    }
                    int granted = 0;
                    while (budget.tryAcquire()) {
                        granted++;
                    }
                    return granted;
                }))
                .expectNext(30)
                .verifyComplete();
    }

    @Test
    void shouldForgetCallsAndRetriesOlderThanTheWindow() {
        RetryBudget[] budget = new RetryBudget[1];

        StepVerifier.withVirtualTime(() -> Mono.fromRunnable(() -> {
                            budget[0] = new RetryBudget(0, 2, Duration.ofSeconds(10));
                            assertThat(budget[0].tryAcquire()).isTrue();
                            assertThat(budget[0].tryAcquire()).isTrue();
                            assertThat(budget[0].tryAcquire()).isFalse();
                        })
                        .then(Mono.delay(Duration.ofSeconds(11)))
                        .then(Mono.fromCallable(() -> budget[0].tryAcquire())))
                .thenAwait(Duration.ofSeconds(11))
                .expectNext(true)
                .verifyComplete();
    }
}
