package io.fanout.upstream.resilience;

import io.fanout.upstream.UpstreamResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * Lets identical concurrent requests share one upstream call. The first caller (the leader) gets the answer as
 * is; the others get it marked {@link UpstreamResponse.Source#COALESCED}. A caller that cancels leaves the shared
 * call running for the others; when the last one leaves, the shared call is cancelled.
 *
 * <p>The shared call is {@code call.takeUntilOther(abort).cache()}: {@code cache()} keeps the call running while any
 * caller waits and ignores individual cancellations, and the explicit subscriber count (changed only under the
 * entry's lock) fires {@code abort} when it reaches zero. An entry that reached zero is closed and never joined
 * again, so a late caller starts a fresh call instead of joining a cancelled one.
 */
final class Coalescer {

    private final ConcurrentHashMap<String, Shared> inFlight = new ConcurrentHashMap<>();

    /**
     * Joins the call in flight for {@code key}, or starts {@code call} as the leader.
     *
     * @param asFollower applied to a follower's view of the shared call (counting it, bounding its wait by the
     *                   follower's own deadline: the shared call runs under the leader's); not applied to the leader
     */
    Mono<UpstreamResponse> join(
            String key, Supplier<Mono<UpstreamResponse>> call, UnaryOperator<Mono<UpstreamResponse>> asFollower) {
        return Mono.defer(() -> {
            boolean[] leader = {false};
            Shared shared = inFlight.compute(key, (k, current) -> {
                if (current != null && current.tryJoin()) {
                    return current;
                }
                leader[0] = true;
                return new Shared(k, call.get());
            });
            Mono<UpstreamResponse> answer = shared.mono;
            if (!leader[0]) {
                answer = asFollower.apply(answer.map(r -> r.withSource(UpstreamResponse.Source.COALESCED)));
            }
            return answer.doFinally(shared::leave);
        });
    }

    /** Shared calls in flight (for tests and status). */
    int inFlight() {
        return inFlight.size();
    }

    private final class Shared {
        private final String key;
        private final Sinks.Empty<Void> abort = Sinks.empty();
        private final Mono<UpstreamResponse> mono;
        private int subscribers = 1; // guarded by this; the leader counts from creation
        private boolean closed;

        Shared(String key, Mono<UpstreamResponse> call) {
            this.key = key;
            this.mono = call.takeUntilOther(abort.asMono())
                    .doFinally(signal -> close())
                    .cache();
        }

        synchronized boolean tryJoin() {
            if (closed) {
                return false;
            }
            subscribers++;
            return true;
        }

        void leave(SignalType signal) {
            boolean last;
            synchronized (this) {
                subscribers--;
                last = subscribers == 0 && !closed;
                if (last) {
                    closed = true;
                }
            }
            if (last) {
                inFlight.remove(key, this);
                if (signal == SignalType.CANCEL) {
                    abort.tryEmitEmpty();
                }
            }
        }

        private void close() {
            synchronized (this) {
                closed = true;
            }
            // an answered call must not be joined again: the cache, not this map, serves repeats
            inFlight.remove(key, this);
        }
    }
}
