package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointAuth;
import io.fanout.plan.EndpointPlan;
import io.fanout.template.ClientIdentity;
import io.fanout.web.CompositeGuard;
import io.fanout.web.ProblemWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The one call the composite request path makes for an endpoint with {@code auth} (SPEC §8): identify the caller
 * (bearer JWT, API key or, on {@code auth: optional}, its address), meter it against its plan's bucket, check the
 * endpoint's scopes, then run the handler with the caller in the exchange for the templates. A refused request is
 * answered here with its problem, challenge and headers; no upstream is called for it.
 */
public final class EdgeGuard implements CompositeGuard {

    static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    static final String RATE_LIMIT = "RateLimit";

    /** Who is calling, as verified. */
    private record Caller(
            ClientIdentity identity,
            String bucket,
            @Nullable Set<String> scopes) {}

    private final EdgeState state;
    private final ClientAddress addresses;
    private final LocalQuotaStore local;
    private final Supplier<RedisQuotaStore> redis;
    private final EdgeMetrics metrics;
    private final AtomicReference<EdgeState.@Nullable Runtime> runtime = new AtomicReference<>();

    EdgeGuard(
            EdgeState state,
            ClientAddress addresses,
            LocalQuotaStore local,
            Supplier<RedisQuotaStore> redis,
            EdgeMetrics metrics) {
        this.state = state;
        this.addresses = addresses;
        this.local = local;
        this.redis = redis;
        this.metrics = metrics;
    }

    /** The caller of this exchange, or null on endpoints without {@code auth}. */
    public static @Nullable ClientIdentity client(ServerWebExchange exchange) {
        return exchange.getAttribute(CLIENT);
    }

    /** Admits the request to {@code next}, or answers the refusal. {@code plan.auth()} must not be null. */
    @Override
    public Mono<ServerResponse> admit(
            ServerRequest request, CompiledConfig config, EndpointPlan plan, HandlerFunction<ServerResponse> next) {
        EndpointAuth auth = java.util.Objects.requireNonNull(plan.auth());
        EdgeState.Runtime rt = runtime(config.definition().clients());
        ServerWebExchange exchange = request.exchange();
        return identify(rt, exchange, auth.required())
                .flatMap(caller -> meter(rt, caller, exchange).then(Mono.defer(() -> {
                    checkScopes(auth, caller);
                    exchange.getAttributes().put(CLIENT, caller.identity());
                    return next.handle(request);
                })))
                .onErrorResume(EdgeRefusal.Refused.class, r -> refuse(exchange, r.refusal()));
    }

    private EdgeState.Runtime runtime(ClientsDefinition clients) {
        EdgeState.Runtime rt = runtime.get();
        if (rt != null && rt.definition() == clients) {
            return rt;
        }
        EdgeState.Runtime next = state.runtime(clients, rt);
        runtime.set(next);
        return next;
    }

    private Mono<Caller> identify(EdgeState.Runtime rt, ServerWebExchange exchange, boolean required) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        ApiKeyVerifier keys = rt.apiKeys();
        String key = keys == null ? null : headers.getFirst(keys.header());
        if (authorization != null && key != null) {
            return Mono.error(EdgeRefusal.ambiguous().error());
        }
        if (authorization != null) {
            return bearer(rt, authorization);
        }
        if (key != null) {
            ClientsDefinition.ApiKey found = keys.find(key);
            if (found == null) {
                return Mono.error(EdgeRefusal.invalid("unknown API key").error());
            }
            return Mono.just(
                    new Caller(identity(rt, found.name(), found.plan(), Map.of()), "key:" + found.name(), null));
        }
        if (required) {
            return Mono.error(EdgeRefusal.missing().error());
        }
        String address = addresses.of(exchange.getRequest());
        return Mono.just(new Caller(identity(rt, address, null, Map.of()), "ip:" + address, null));
    }

    private Mono<Caller> bearer(EdgeState.Runtime rt, String authorization) {
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.error(EdgeRefusal.invalid("the Authorization header must carry a Bearer token")
                    .error());
        }
        JwtVerifier jwt = rt.jwt();
        if (jwt == null) {
            return Mono.error(EdgeRefusal.invalid("bearer tokens are not accepted here: use an API key")
                    .error());
        }
        String planClaim = rt.definition().planClaim();
        return jwt.verify(authorization.substring(7).strip()).map(v -> {
            Object plan = planClaim == null ? null : v.claims().get(planClaim);
            return new Caller(
                    identity(rt, v.subject(), plan instanceof String p ? p : null, v.claims()),
                    "jwt:" + v.subject(),
                    v.scopes());
        });
    }

    /** The plan named by the key or claim when it exists, else {@code default} when that exists, else none. */
    private static ClientIdentity identity(
            EdgeState.Runtime rt, String id, @Nullable String plan, Map<String, Object> claims) {
        Map<String, ClientsDefinition.Plan> plans = rt.definition().plans();
        String name = plan != null && plans.containsKey(plan)
                ? plan
                : plans.containsKey(ClientsDefinition.DEFAULT_PLAN) ? ClientsDefinition.DEFAULT_PLAN : null;
        return new ClientIdentity(id, name, claims);
    }

    private Mono<Void> meter(EdgeState.Runtime rt, Caller caller, ServerWebExchange exchange) {
        String planName = caller.identity().plan();
        if (planName == null) {
            return Mono.empty();
        }
        ClientsDefinition.Plan plan = rt.definition().plans().get(planName);
        QuotaStore store = rt.definition().quotaStore() == ClientsDefinition.QuotaStore.REDIS ? redis.get() : local;
        return store.take(caller.bucket(), plan).flatMap(quota -> {
            HttpHeaders h = exchange.getResponse().getHeaders();
            h.set(RATE_LIMIT_POLICY, quota.policyHeader());
            h.set(RATE_LIMIT, quota.header());
            return quota.allowed()
                    ? Mono.empty()
                    : Mono.error(EdgeRefusal.quota(planName, quota.retryAfter()).error());
        });
    }

    private static void checkScopes(EndpointAuth auth, Caller caller) {
        if (auth.scopes().isEmpty()) {
            return;
        }
        Set<String> held = caller.scopes();
        if (held == null && caller.bucket().startsWith("ip:")) {
            throw EdgeRefusal.missing().error();
        }
        List<String> missing = new ArrayList<>();
        for (String scope : auth.scopes()) {
            if (held == null || !held.contains(scope)) {
                missing.add(scope);
            }
        }
        if (!missing.isEmpty()) {
            throw EdgeRefusal.insufficientScope(String.join(" ", auth.scopes())).error();
        }
    }

    private Mono<ServerResponse> refuse(ServerWebExchange exchange, EdgeRefusal refusal) {
        metrics.refused(refusal.reason());
        HttpHeaders h = new HttpHeaders();
        if (refusal.challenge() != null) {
            h.set(HttpHeaders.WWW_AUTHENTICATE, refusal.challenge());
        }
        if (refusal.retryAfter() > 0) {
            h.set(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfter()));
        }
        return ProblemWriter.response(exchange, refusal.type(), refusal.status(), refusal.detail(), h);
    }
}
