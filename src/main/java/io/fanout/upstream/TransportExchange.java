package io.fanout.upstream;

import io.fanout.json.JsonValidator;
import io.fanout.observe.CallTrace;
import io.fanout.observe.LogKeys;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

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
            return Mono.error(new CallFailure(
                    ErrorType.BAD_TEMPLATE_VALUE,
                    upstream + " cannot run a "
                            + request.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " call"));
        }
        R typed = kind.cast(request);
        long limitMillis = Math.min(budget.attemptTimeout().toMillis(), budget.remainingMillis());
        if (limitMillis <= 0) {
            return Mono.error(new CallFailure(ErrorType.TIMEOUT, upstream + " had no time left for an attempt"));
        }
        Mono<UpstreamResponse> answer = new Attempted(typed, budget, limitMillis, attempt);
        if (ownTimeout) {
            answer = answer.timeout(Duration.ofMillis(limitMillis), Mono.error(() -> timedOut(limitMillis)));
        }
        return answer;
    }

    /** The failure of an attempt cut by its bound. */
    public CallFailure timedOut(long limitMillis) {
        return new CallFailure(ErrorType.TIMEOUT, upstream + " did not answer within " + limitMillis + "ms");
    }

    /** The failure of an answer larger than {@code max-response-size}. */
    public CallFailure tooLarge(long maxResponseSize) {
        return new CallFailure(
                ErrorType.INVALID_RESPONSE,
                upstream + " answered more than " + maxResponseSize + " bytes (max-response-size)");
    }

    /** The verdict on an answer: null when it may be used, else the failure. */
    private @Nullable CallFailure verdict(UpstreamResponse response) {
        if (response.hasData() && !JsonValidator.isValid(response.body())) {
            return new CallFailure(ErrorType.INVALID_RESPONSE, upstream + " answered a body that is not JSON");
        }
        return null;
    }

    private CallFailure translate(Throwable error, UpstreamRequest request, long limitMillis, CallTrace.Attempt span) {
        CallFailure failure = failures.translate(error, limitMillis);
        if (log.isDebugEnabled()) {
            // the class only: messages of drivers and libraries may quote parameter values or headers
            LogKeys k = LogKeys.current();
            String traceId = span.traceId();
            log.atDebug()
                    .addKeyValue(k.requestId(), request.requestId())
                    .addKeyValue(k.upstream(), upstream)
                    .addKeyValue(k.traceId(), traceId == null ? "" : traceId)
                    .addKeyValue(k.errorType(), failure.type().wireName())
                    .log(
                            "[{}] {}: {} ({})",
                            request.requestId(),
                            upstream,
                            failure.getMessage(),
                            error.getClass().getName());
        }
        return failure;
    }

    /**
     * One attempt as a single operator: counts the attempt when subscribed, sends it, gives the verdict on the
     * answer and names any other failure. What {@code defer}, {@code handle} and {@code onErrorMap} would do, in two
     * objects per call instead of about ten (this runs for every upstream call).
     */
    private final class Attempted extends Mono<UpstreamResponse> {
        private final R request;
        private final CallBudget budget;
        private final long limitMillis;
        private final Attempt<R> attempt;

        Attempted(R request, CallBudget budget, long limitMillis, Attempt<R> attempt) {
            this.request = request;
            this.budget = budget;
            this.limitMillis = limitMillis;
            this.attempt = attempt;
        }

        @Override
        public void subscribe(CoreSubscriber<? super UpstreamResponse> actual) {
            int number = budget.recordAttempt();
            // observability hook: the attempt's span, whose traceparent goes upstream with it (AttemptTracing)
            CallTrace.Attempt span = budget.trace().attempt(number);
            Mono<UpstreamResponse> sent;
            try {
                sent = attempt.send(AttemptTracing.withTraceHeaders(kind, request, span), limitMillis);
            } catch (RuntimeException e) {
                Throwable failure = e instanceof CallFailure ? e : translate(e, request, limitMillis, span);
                AttemptTracing.end(span, failure);
                Operators.error(actual, failure);
                return;
            }
            sent.subscribe(new Judged(actual, request, limitMillis, span));
        }
    }

    /** Passes an answer on only after its verdict, and every failure only as a {@link CallFailure}. */
    private final class Judged implements CoreSubscriber<UpstreamResponse>, Subscription {
        private final CoreSubscriber<? super UpstreamResponse> actual;
        private final UpstreamRequest request;
        private final long limitMillis;
        private final CallTrace.Attempt span;
        private @Nullable Subscription upstreamSubscription;
        private boolean done;

        Judged(
                CoreSubscriber<? super UpstreamResponse> actual,
                UpstreamRequest request,
                long limitMillis,
                CallTrace.Attempt span) {
            this.actual = actual;
            this.request = request;
            this.limitMillis = limitMillis;
            this.span = span;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstreamSubscription, s)) {
                upstreamSubscription = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(UpstreamResponse response) {
            if (done) {
                Operators.onNextDropped(response, actual.currentContext());
                return;
            }
            CallFailure failure = verdict(response);
            AttemptTracing.end(span, failure);
            if (failure == null) {
                actual.onNext(response);
                return;
            }
            done = true;
            Subscription s = upstreamSubscription;
            if (s != null) {
                s.cancel();
            }
            actual.onError(failure);
        }

        @Override
        public void onError(Throwable error) {
            if (done) {
                Operators.onErrorDropped(error, actual.currentContext());
                return;
            }
            done = true;
            Throwable failure = error instanceof CallFailure ? error : translate(error, request, limitMillis, span);
            AttemptTracing.end(span, failure);
            actual.onError(failure);
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            AttemptTracing.end(span, null);
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            Subscription s = upstreamSubscription;
            if (s != null) {
                s.request(n);
            }
        }

        @Override
        public void cancel() {
            span.cancel();
            Subscription s = upstreamSubscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
