package io.fanout.edge;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One issuer's JSON Web Key Set, fetched over Reactor Netty without blocking a thread and kept for
 * {@code jwks-cache}. A token naming a {@code kid} the set lacks refreshes it at most once per 30 s (keys rotate;
 * forged kids must not turn Fanout into a load generator against the provider); a failed fetch is retried after
 * {@link #FAILURE_BACKOFF}, and meanwhile the last good set keeps being used. Concurrent requests share one fetch.
 */
final class JwksCache {

    static final Duration KID_REFRESH_INTERVAL = Duration.ofSeconds(30);
    static final Duration FAILURE_BACKOFF = Duration.ofSeconds(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** A JWKS is a few kilobytes; anything far larger is not one. */
    private static final int MAX_BYTES = 1024 * 1024;

    /** Keys as fetched, and when (clock nanos). */
    record Keys(JWKSet set, long fetchedAt) {
        boolean has(@Nullable String kid) {
            return kid == null || set.getKeyByKeyId(kid) != null;
        }
    }

    private final String uri;
    private final long ttlNanos;
    private final HttpClient http;
    private final LongSupplier clock;
    private final AtomicReference<@Nullable Keys> current = new AtomicReference<>();
    private final AtomicReference<@Nullable Mono<Keys>> inflight = new AtomicReference<>();
    private volatile long lastKidRefresh;
    private volatile long lastFailure;
    private volatile boolean kidRefreshed;
    private volatile boolean failed;

    JwksCache(String uri, Duration ttl, HttpClient http, LongSupplier clock) {
        this.uri = uri;
        this.ttlNanos = ttl.toNanos();
        this.http = http;
        this.clock = clock;
    }

    /**
     * Keys that should hold {@code kid}: the cached set when fresh and it has the kid (or a kid refresh was too
     * recent), else a fetched one; the last good set when a fetch fails; an error (503) when there has never been one.
     */
    Mono<Keys> keys(@Nullable String kid) {
        long now = clock.getAsLong();
        Keys k = current.get();
        if (k != null && now - k.fetchedAt() < ttlNanos) {
            if (k.has(kid)
                    || (kidRefreshed && now - lastKidRefresh < KID_REFRESH_INTERVAL.toNanos())
                    || (failed && now - lastFailure < FAILURE_BACKOFF.toNanos())) {
                return Mono.just(k);
            }
            lastKidRefresh = now;
            kidRefreshed = true;
            return fetch().onErrorReturn(k);
        }
        if (failed && now - lastFailure < FAILURE_BACKOFF.toNanos()) {
            return k != null ? Mono.just(k) : Mono.error(unavailable(now));
        }
        return fetch().onErrorResume(e -> k != null ? Mono.just(k) : Mono.error(unavailable(clock.getAsLong())));
    }

    private EdgeRefusal.Refused unavailable(long now) {
        long waitNanos = Math.max(0, FAILURE_BACKOFF.toNanos() - (now - lastFailure));
        return EdgeRefusal.jwksUnavailable(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L))
                .error();
    }

    private Mono<Keys> fetch() {
        while (true) {
            Mono<Keys> running = inflight.get();
            if (running != null) {
                return running;
            }
            AtomicReference<@Nullable Mono<Keys>> self = new AtomicReference<>();
            // the slot is freed before the result is published: a caller woken by this fetch that asks again (an
            // unknown kid right after) must start a new fetch, not get this one's cached result
            Runnable free = () -> inflight.compareAndSet(self.get(), null);
            Mono<Keys> created = download()
                    .map(set -> new Keys(set, clock.getAsLong()))
                    .doOnNext(keys -> {
                        current.set(keys);
                        failed = false;
                        free.run();
                    })
                    .doOnError(e -> {
                        lastFailure = clock.getAsLong();
                        failed = true;
                        free.run();
                    })
                    .doFinally(signal -> free.run()) // also an empty answer or a cancel
                    .cache();
            self.set(created);
            if (inflight.compareAndSet(null, created)) {
                return created;
            }
        }
    }

    private Mono<JWKSet> download() {
        return http.get()
                .uri(uri)
                .responseSingle((response, body) -> {
                    int status = response.status().code();
                    if (status != 200) {
                        return Mono.error(new IllegalStateException("JWKS answered " + status));
                    }
                    return body.asByteArray();
                })
                .timeout(FETCH_TIMEOUT)
                .flatMap(bytes -> {
                    if (bytes.length > MAX_BYTES) {
                        return Mono.error(new IllegalStateException("JWKS larger than " + MAX_BYTES + " bytes"));
                    }
                    try {
                        // public keys only: a set that carried private parts is reduced to its public half
                        return Mono.just(JWKSet.parse(new String(bytes, StandardCharsets.UTF_8))
                                .toPublicJWKSet());
                    } catch (ParseException e) {
                        return Mono.error(new IllegalStateException("not a JWKS: " + e.getMessage()));
                    }
                });
    }
}
