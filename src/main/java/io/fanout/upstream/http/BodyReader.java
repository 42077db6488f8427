package io.fanout.upstream.http;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamResponse;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Reads a 2xx body into its {@link UpstreamResponse} as one operator: what {@code collect(BoundedBody)},
 * {@code map} and two {@code onErrorMap}s did, in two objects per answer instead of about a dozen. The bytes are
 * copied once, from the connection's buffers into the answer's array (sized by the {@code Content-Length} when there
 * is one, see {@link BoundedBody}); a body past {@code max-response-size} cancels the read at once.
 */
final class BodyReader extends Mono<UpstreamResponse> {

    private final Flux<ByteBuf> content;
    private final int status;
    private final long declared;
    private final long limit;
    private final TransportExchange<?> preamble;
    private final String upstream;

    /**
     * @param declared the {@code Content-Length}, or -1
     * @param preamble names the failure of a body past {@code limit}
     */
    BodyReader(
            Flux<ByteBuf> content,
            int status,
            long declared,
            long limit,
            TransportExchange<?> preamble,
            String upstream) {
        this.content = content;
        this.status = status;
        this.declared = declared;
        this.limit = limit;
        this.preamble = preamble;
        this.upstream = upstream;
    }

    @Override
    public void subscribe(CoreSubscriber<? super UpstreamResponse> actual) {
        content.subscribe(new Reader(actual));
    }

    private final class Reader extends Operators.MonoSubscriber<ByteBuf, UpstreamResponse> {
        private final BoundedBody body = new BoundedBody(declared, limit);
        private @Nullable Subscription s;
        private boolean done;

        Reader(CoreSubscriber<? super UpstreamResponse> actual) {
            super(actual);
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(s, subscription)) {
                s = subscription;
                actual.onSubscribe(this);
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(ByteBuf chunk) {
            if (done) {
                return;
            }
            try {
                body.append(chunk);
            } catch (BoundedBody.TooLarge e) {
                done = true;
                Subscription current = s;
                if (current != null) {
                    current.cancel();
                }
                actual.onError(preamble.tooLarge(limit));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (done) {
                Operators.onErrorDropped(error, actual.currentContext());
                return;
            }
            done = true;
            // a connection lost after the headers: still a connection failure (retryable as connect-error), but the
            // message must not claim the upstream never answered
            actual.onError(
                    error instanceof CallFailure || error instanceof TimeoutException
                            ? error
                            : new CallFailure(
                                    ErrorType.CONNECT_ERROR,
                                    upstream + " closed the connection in the middle of" + " its answer"));
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            complete(new UpstreamResponse(status, body.toByteArray(), UpstreamResponse.Source.NETWORK));
        }

        @Override
        public void cancel() {
            super.cancel();
            Subscription current = s;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
