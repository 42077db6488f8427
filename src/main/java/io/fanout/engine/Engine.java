package io.fanout.engine;

import io.fanout.observe.RequestObserver;
import io.fanout.plan.EndpointPlan;
import io.fanout.plan.RequestOutcome;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs endpoint plans for live requests and batch items, and hands back structured results: a whole
 * {@link CompositeResult}, or each call's {@link CallOutcome} the moment it completes followed by the result. What
 * the answer looks like on the wire is the caller's choice ({@code io.fanout.render}); the engine knows no HTTP
 * server types and no wire format.
 */
public final class Engine {

    private final RequestObserver observer;

    /** An engine whose requests nobody observes (no spans, no access log, no overhead metric). */
    public Engine() {
        this(RequestObserver.NONE);
    }

    /** An engine that reports every request and job item to {@code observer} (io.fanout.observe). */
    public Engine(RequestObserver observer) {
        this.observer = observer;
    }

    /** Prepares a run; nothing starts until the answer is subscribed. */
    public Execution start(EndpointPlan plan, RequestInput input, boolean batch) {
        return new Execution(plan, input, batch, observer);
    }

    /** Runs every call and answers the finished result. Cancelling it cancels every call in flight. */
    public Mono<CompositeResult> answer(Execution ex) {
        return ex.run()
                .then(Mono.fromSupplier(() -> finish(ex)))
                .doOnCancel(() -> ex.recordRequest(RequestOutcome.CANCELLED));
    }

    /**
     * Runs every call and streams {@code line} of each outcome as it completes (calls a fail-fast stop cut short
     * included, as {@code cancelled}), then {@code last} of the finished result. Cancelling the stream cancels
     * every call in flight.
     */
    public <T> Flux<T> stream(Execution ex, Function<CallOutcome, T> line, Function<CompositeResult, T> last) {
        return ex.run()
                .concatWith(Flux.defer(() -> Flux.fromIterable(ex.cancelRemaining())))
                .map(line)
                .concatWith(Mono.fromSupplier(() -> last.apply(finish(ex))))
                .doOnCancel(() -> ex.recordRequest(RequestOutcome.CANCELLED));
    }

    private static CompositeResult finish(Execution ex) {
        ex.cancelRemaining();
        CompositeResult result = ex.finish();
        ex.recordRequest(Execution.requestOutcome(result.failed(), result.partial()));
        ex.observeFinished(result);
        return result;
    }
}
