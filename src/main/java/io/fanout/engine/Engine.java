package io.fanout.engine;

import java.nio.charset.StandardCharsets;

import io.fanout.plan.EndpointPlan;
import io.fanout.plan.RequestOutcome;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs endpoint plans for live requests (and, later, batch items) and produces the rendered answer: a complete
 * envelope or a stream of per-call lines in completion order.
 */
public final class Engine {

    private static final byte[] SSE_CALL = "event: call\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE_DONE = "event: done\ndata: ".getBytes(StandardCharsets.US_ASCII);

    /** Prepares a run; nothing starts until the answer is subscribed. */
    public Execution start(EndpointPlan plan, RequestInput input, boolean batch) {
        return new Execution(plan, input, batch);
    }

    /** Runs every call and renders the whole answer. Cancelling it cancels every call in flight. */
    public Mono<CompositeAnswer> answer(Execution ex) {
        return ex.run()
                .then(Mono.fromSupplier(() -> {
                    ex.cancelRemaining();
                    CompositeAnswer a = Envelope.render(ex);
                    ex.recordRequest(RequestOutcome.of(a.problem(), a.partial()));
                    return a;
                }))
                .doOnCancel(() -> ex.recordRequest(RequestOutcome.CANCELLED));
    }

    /** Streams one line per call as it completes, then a last meta line; NDJSON or SSE framing. */
    public Flux<byte[]> stream(Execution ex, boolean sse) {
        Flux<byte[]> lines = ex.run().map(Envelope::line)
                .concatWith(Flux.defer(() -> Flux.fromIterable(ex.cancelRemaining()).map(Envelope::line)));
        Mono<byte[]> last = Mono.fromSupplier(() -> {
            CallOutcome failed = ex.firstRequiredFailure();
            ex.recordRequest(RequestOutcome.of(failed != null, false));
            return Envelope.lastLine(ex);
        });
        if (!sse) {
            return lines.concatWith(last).doOnCancel(() -> ex.recordRequest(RequestOutcome.CANCELLED));
        }
        return lines.map(l -> sse(SSE_CALL, l)).concatWith(last.map(l -> sse(SSE_DONE, l)))
                .doOnCancel(() -> ex.recordRequest(RequestOutcome.CANCELLED));
    }

    private static byte[] sse(byte[] prefix, byte[] line) {
        // line ends with '\n'; an SSE event ends with a blank line
        byte[] out = new byte[prefix.length + line.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(line, 0, out, prefix.length, line.length);
        out[out.length - 1] = '\n';
        return out;
    }
}
