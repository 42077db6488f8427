package io.fanout.upstream;

import java.time.Duration;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fanout.json.JsonValidator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * The part of an exchange every transport shares (HTTP, jdbc, java), so that they cannot differ on it: the request
 * kind the transport takes, the attempt's bound {@code min(attempt timeout, time left)}, counting the attempt, the
 * time limit (when no decorator sets one), the one JSON verdict on the answer, and turning anything else that went
 * wrong into a {@link CallFailure}, logged with the request id and never with a driver's or library's message
 * (those can quote client data). A transport only says how to send one attempt and how to name its own failures.
 *
 * <p>The verdict is applied here, where the transport hands the answer over: inside the resilience layer's
 * circuit breaker, and before its cache, coalescing and hedging, so every policy and the engine see the same
 * verdict and nothing above re-validates. A 2xx whose body is not one UTF-8 JSON value ({@link JsonValidator}) is
 * {@code invalid-response} (SPEC §7).
 *
 * @param <R> the kind of request the transport takes
 */
public final class TransportExchange<R extends UpstreamRequest> {

    private static final Logger log = LoggerFactory.getLogger(TransportExchange.class);

    /** Sends one attempt of {@code request}, which may take at most {@code limitMillis}. */
    @FunctionalInterface
    public interface Attempt<R extends UpstreamRequest> {
        Mono<UpstreamResponse> send(R request, long limitMillis);
    }

    /** Names what went wrong with an attempt (anything but a {@link CallFailure}) as a typed failure. */
    @FunctionalInterface
    public interface Failures {
        CallFailure translate(Throwable error, long limitMillis);
    }

    private final String upstream;
    private final Class<R> kind;
    private final boolean ownTimeout;
    private final Failures failures;
    // built once: a bound method reference per call would be an allocation on the hot path
    private final BiConsumer<UpstreamResponse, SynchronousSink<UpstreamResponse>> verdict = this::verdict;

    /**
     * @param upstream   the upstream's name, for messages
     * @param kind       the request kind the transport takes
     * @param ownTimeout false when a decorator (the resilience layer) already bounds every attempt, so that each
     *                   attempt costs one timer, not two
     * @param failures   the transport's own failure names
     */
    public TransportExchange(String upstream, Class<R> kind, boolean ownTimeout, Failures failures) {
        this.upstream = upstream;
        this.kind = kind;
        this.ownTimeout = ownTimeout;
        this.failures = failures;
    }

    /** One attempt of {@code request} through {@code attempt}, as {@link UpstreamClient#exchange} promises it. */
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget, Attempt<R> attempt) {
        if (!kind.isInstance(request)) {
            // validation pairs every call with its upstream's kind; this is a bug, not the client's input
            return Mono.error(new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, upstream + " cannot run a "
                    + request.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " call"));
        }
        R typed = kind.cast(request);
        long limitMillis = Math.min(budget.attemptTimeout().toMillis(), budget.remainingMillis());
        if (limitMillis <= 0) {
            return Mono.error(new CallFailure(ErrorType.TIMEOUT, upstream + " had no time left for an attempt"));
        }
        Mono<UpstreamResponse> answer = Mono.defer(() -> {
            budget.recordAttempt();
            return attempt.send(typed, limitMillis);
        }).handle(verdict);
        if (ownTimeout) {
            answer = answer.timeout(Duration.ofMillis(limitMillis), Mono.error(() -> timedOut(limitMillis)));
        }
        return answer.onErrorMap(e -> !(e instanceof CallFailure), e -> translate(e, request, limitMillis));
    }

    /** The failure of an attempt cut by its bound. */
    public CallFailure timedOut(long limitMillis) {
        return new CallFailure(ErrorType.TIMEOUT, upstream + " did not answer within " + limitMillis + "ms");
    }

    /** The failure of an answer larger than {@code max-response-size}. */
    public CallFailure tooLarge(long maxResponseSize) {
        return new CallFailure(ErrorType.INVALID_RESPONSE, upstream + " answered more than " + maxResponseSize
                + " bytes (max-response-size)");
    }

    private void verdict(UpstreamResponse response, SynchronousSink<UpstreamResponse> sink) {
        if (response.hasData() && !JsonValidator.isValid(response.body())) {
            sink.error(new CallFailure(ErrorType.INVALID_RESPONSE, upstream + " answered a body that is not JSON"));
        } else {
            sink.next(response);
        }
    }

    private CallFailure translate(Throwable error, UpstreamRequest request, long limitMillis) {
        CallFailure failure = failures.translate(error, limitMillis);
        if (log.isDebugEnabled()) {
            // the class only: messages of drivers and libraries may quote parameter values or headers
            log.debug("[{}] {}: {} ({})", request.requestId(), upstream, failure.getMessage(),
                    error.getClass().getName());
        }
        return failure;
    }
}
