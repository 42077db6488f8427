package io.fanout.upstream.blocking;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.json.JsonCodec;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The transport of a {@code kind: java} upstream: a user's {@link BlockingSource}, created on first use, called on a
 * {@link BlockingLane} of {@code pool-size} threads that are interrupted when a call is cancelled. It takes
 * {@link UpstreamRequest.Http} calls (the source sees their method, path, query and headers); the rest of the
 * exchange is {@link TransportExchange}'s.
 */
public final class JavaUpstreamClient implements UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(JavaUpstreamClient.class);

    private final String name;
    private final Class<? extends BlockingSource> type;
    private final BlockingLane lane;
    private final long maxResponseSize;
    private final TransportExchange<UpstreamRequest.Http> preamble;
    // built once: the method reference would otherwise be allocated on every call
    private final TransportExchange.Attempt<UpstreamRequest.Http> attempt = this::send;
    private final Object lock = new Object();
    private @Nullable BlockingSource source;

    public JavaUpstreamClient(UpstreamDefinition upstream, Class<? extends BlockingSource> type, boolean ownTimeout) {
        this.name = upstream.name();
        this.type = type;
        this.maxResponseSize = upstream.maxResponseSize();
        this.preamble = new TransportExchange<>(
                name,
                UpstreamRequest.Http.class,
                ownTimeout,
                (error, limitMillis) -> new CallFailure(ErrorType.UPSTREAM_STATUS, name + " failed", 500, null));
        this.lane = new BlockingLane("fanout-java-" + name, upstream.poolSize(), true);
    }

    /** The loader that sees the application's classes (and a user's jar on the classpath). */
    public static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : JavaUpstreamClient.class.getClassLoader();
    }

    /** Loads and checks a source class without initialising it; the message says what is wrong, or null when fine. */
    public static @Nullable String problemWith(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "class '" + className + "' is not on the classpath";
        }
        if (!BlockingSource.class.isAssignableFrom(type)) {
            return "class '" + className + "' does not implement " + BlockingSource.class.getName();
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            return "class '" + className + "' has no public no-argument constructor";
        }
        if (java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            return "class '" + className + "' is abstract";
        }
        return null;
    }

    @Override
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
        return preamble.exchange(request, budget, attempt);
    }

    private Mono<UpstreamResponse> send(UpstreamRequest.Http request, long limitMillis) {
        BlockingCall call = BlockingCall.parse(
                name,
                request.method(),
                request.pathAndQuery(),
                request.headers(),
                request.body(),
                request.requestId(),
                Duration.ofMillis(limitMillis));
        return lane.run(cancellation -> fetch(call, cancellation));
    }

    private UpstreamResponse fetch(BlockingCall call, BlockingLane.Cancellation cancellation) {
        Object answer;
        try {
            answer = source().fetch(call);
        } catch (CallFailure f) {
            throw f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailure(ErrorType.CANCELLED, name + ": interrupted");
        } catch (Exception e) {
            if (cancellation.isCancelled()) {
                throw new CallFailure(ErrorType.CANCELLED, name + ": cancelled");
            }
            // the class at WARN; the source's own message (which may quote the call's input) only at DEBUG
            log.warn("[{}] {} failed: {}", call.requestId(), name, e.getClass().getName());
            log.debug("[{}] {} failure", call.requestId(), name, e);
            throw new CallFailure(ErrorType.UPSTREAM_STATUS, name + " failed", 500, null);
        }
        byte[] body;
        try {
            body = JsonCodec.MAPPER.writeValueAsBytes(answer);
        } catch (RuntimeException e) {
            log.warn(
                    "[{}] {} answered a value that cannot be written as JSON: {}",
                    call.requestId(),
                    name,
                    e.getClass().getName());
            throw new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered something that is not JSON");
        }
        if (body.length > maxResponseSize) {
            throw preamble.tooLarge(maxResponseSize);
        }
        return new UpstreamResponse(200, body, UpstreamResponse.Source.NETWORK);
    }

    private BlockingSource source() throws ReflectiveOperationException {
        synchronized (lock) {
            if (source == null) {
                source = type.getConstructor().newInstance();
            }
            return source;
        }
    }

    @Override
    public void close() {
        lane.closeAfter(() -> {
            BlockingSource s;
            synchronized (lock) {
                s = source;
            }
            if (s != null) {
                try {
                    s.close();
                } catch (Exception e) {
                    log.warn("closing {} failed", name, e);
                }
            }
        });
    }
}
