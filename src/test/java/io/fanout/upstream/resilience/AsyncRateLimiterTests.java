package io.fanout.upstream.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.Rate;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class AsyncRateLimiterTests {

    private static final Rate TEN_PER_SECOND = new Rate(10, Duration.ofSeconds(1));

    @Test
    void shouldServeTheBurstAtOnceThenFailFastWithTheTimeUntilTheNextToken() {
        StepVerifier.withVirtualTime(() -> {
                    AsyncRateLimiter limiter = new AsyncRateLimiter("users", TEN_PER_SECOND, 2, Duration.ZERO);
                    return limiter.acquire().then(limiter.acquire()).then(limiter.acquire());
                })
                .expectErrorSatisfies(e -> {
                    CallFailure f = (CallFailure) e;
                    assertThat(f.type()).isEqualTo(ErrorType.RATE_LIMITED);
                    assertThat(f.retryAfter()).isEqualTo(Duration.ofMillis(100));
                })
                .verify();
    }

    @Test
    void shouldWaitForATokenWithinMaxWait() {
        AsyncRateLimiter[] limiter = new AsyncRateLimiter[1];

        StepVerifier.withVirtualTime(() -> {
                    limiter[0] = new AsyncRateLimiter("users", TEN_PER_SECOND, 1, Duration.ofMillis(200));
                    return limiter[0].acquire().then(limiter[0].acquire()).thenReturn("sent");
                })
                .then(() -> assertThat(limiter[0].waiting()).isEqualTo(1))
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("sent")
                .verifyComplete();

        assertThat(limiter[0].waiting()).isZero();
        assertThat(limiter[0].waitCount()).isEqualTo(1);
    }

    @Test
    void shouldFailFastWhenTheTokenIsFurtherAwayThanTheCallerMayWait() {
        StepVerifier.withVirtualTime(() -> {
                    AsyncRateLimiter limiter = new AsyncRateLimiter("users", TEN_PER_SECOND, 1, Duration.ofSeconds(1));
                    // the deadline leaves 50ms, the token is 100ms away
                    return limiter.acquire().then(limiter.acquire(Duration.ofMillis(50)));
                })
                .expectErrorSatisfies(e -> assertThat(((CallFailure) e).type()).isEqualTo(ErrorType.RATE_LIMITED))
                .verify(Duration.ofSeconds(1));
    }

    @Test
    void shouldGiveTheReservedTokenBackWhenTheWaitIsCancelled() {
        AsyncRateLimiter[] limiter = new AsyncRateLimiter[1];
        int[] waitingAfterCancel = {-1};

        // 1 token/s, burst 1: the first caller takes the token, the second reserves the next one (due at 1s) and
        // gives up at 500ms; the third then needs only the half token still missing, so it runs at 1s, not at 2s
        StepVerifier.withVirtualTime(() -> {
                    limiter[0] =
                            new AsyncRateLimiter("users", new Rate(1, Duration.ofSeconds(1)), 1, Duration.ofSeconds(5));
                    return limiter[0]
                            .acquire()
                            .then(limiter[0].acquire().take(Duration.ofMillis(500)))
                            .then(Mono.fromRunnable(() -> waitingAfterCancel[0] = limiter[0].waiting()))
                            .then(limiter[0].acquire())
                            .thenReturn("third");
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("third")
                .expectComplete()
                .verify(Duration.ofSeconds(5)); // real-time guard: a missing give-back would leave nothing to await

        assertThat(waitingAfterCancel[0]).isZero();
        assertThat(limiter[0].waiting()).isZero();
    }

    @Test
    void shouldRefillUpToBurstOnly() {
        AsyncRateLimiter[] limiter = new AsyncRateLimiter[1];

        StepVerifier.withVirtualTime(() -> {
                    limiter[0] = new AsyncRateLimiter("users", TEN_PER_SECOND, 3, Duration.ZERO);
                    return limiter[0].acquire().then(limiter[0].acquire()).then(limiter[0].acquire());
                })
                .thenAwait(Duration.ofSeconds(10))
                .verifyComplete();

        assertThat(limiter[0].availableTokens()).isEqualTo(3);
    }
}
