package io.fanout.definition;

import static io.fanout.definition.ConfigKey.REQUIRED;
import static io.fanout.definition.ConfigKey.Spec.choice;
import static io.fanout.definition.ConfigKey.Spec.min;
import static io.fanout.definition.ConfigKey.Spec.of;

import java.util.List;

/**
 * The key tables: one enum per config section, each constant one key with its notation, default, minimum and a
 * one-line description. The binders read keys only through these constants, and {@link ConfigSection} lists the
 * tables for schema generation, so documentation, schema and binder cannot disagree on which keys exist.
 */
public final class Keys {

    /** HTTP methods a call or endpoint may use. */
    public static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    private Keys() {}

    /** The document's top level. */
    public enum Top implements ConfigKey {
        UPSTREAMS(of("upstreams", Notation.NAMED_SECTIONS, null, "The services Fanout calls, by name.")),
        ENDPOINTS(of("endpoints", Notation.NAMED_SECTIONS, null, "The composite endpoints Fanout serves, by name.")),
        CLIENTS(of("clients", Notation.SECTION, null, "Who may call endpoints with auth: JWT, API keys, quotas."));

        private final Spec spec;

        Top(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>}. */
    public enum Upstream implements ConfigKey {
        KIND(choice("kind", "http", List.of("http", "jdbc", "java"), "How Fanout talks to the upstream.")),
        URL(of(
                "url",
                Notation.STRING,
                REQUIRED,
                "http(s)://host[:port][/base/path], or a JDBC URL; ${NAME} allowed" + " (not for kind: java).")),
        TIMEOUT(min("timeout", Notation.DURATION, "1s", "1ms", "Per attempt, headers and body included.")),
        CONNECT_TIMEOUT(min("connect-timeout", Notation.DURATION, "500ms", "1ms", "TCP connect.")),
        MAX_CONNECTIONS(min(
                "max-connections",
                Notation.WHOLE_NUMBER,
                "256",
                "1",
                "Size of this upstream's own connection pool (http).")),
        MAX_RESPONSE_SIZE(min(
                "max-response-size",
                Notation.SIZE,
                "2MB",
                "1B",
                "Larger bodies are cut off while streaming: invalid-response.")),
        HEADERS(of(
                "headers",
                Notation.HEADER_MAP,
                null,
                "Sent on every call (http); ${NAME} expands from the" + " environment at load.")),
        USERNAME(of("username", Notation.STRING, null, "Database user (jdbc); ${NAME} allowed.")),
        PASSWORD(of("password", Notation.STRING, null, "Database password (jdbc); ${NAME} allowed.")),
        POOL_SIZE(min("pool-size", Notation.WHOLE_NUMBER, "8", "1", "Connections and threads (jdbc, java).")),
        BULKHEAD(of("bulkhead", Notation.POLICY, null, "Caps concurrent calls.")),
        RATE_LIMIT(of("rate-limit", Notation.POLICY, null, "Caps the call rate.")),
        RETRY(of("retry", Notation.POLICY, null, "Retries failed attempts within a budget.")),
        CIRCUIT_BREAKER(of("circuit-breaker", Notation.POLICY, null, "Stops calling a failing upstream for a while.")),
        HEDGE(of("hedge", Notation.POLICY, null, "Sends a second GET when the first is slow.")),
        CACHE(of("cache", Notation.POLICY, null, "Keeps good GET answers in memory.")),
        COALESCE(of("coalesce", Notation.BOOLEAN, "false", "Identical in-flight GETs share one upstream call.")),
        CLASS(of("class", Notation.STRING, null, "The BlockingSource implementation (java)."));

        private final Spec spec;

        Upstream(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.bulkhead}. */
    public enum Bulkhead implements ConfigKey {
        MAX_CONCURRENT(min("max-concurrent", Notation.WHOLE_NUMBER, REQUIRED, "1", "Calls in flight at once.")),
        MAX_WAIT(min("max-wait", Notation.DURATION, "0ms", "0ms", "How long a call may wait for a permit.")),
        BATCH_SHARE(min("batch-share", Notation.RATIO, "50%", ">0%", "Share of permits batch jobs may use."));

        private final Spec spec;

        Bulkhead(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.rate-limit}. */
    public enum RateLimit implements ConfigKey {
        RATE(of("rate", Notation.RATE, REQUIRED, "Calls per second, minute or hour.")),
        BURST(min("burst", Notation.WHOLE_NUMBER, "one second's worth", "1", "Permits available at once.")),
        MAX_WAIT(min("max-wait", Notation.DURATION, "0ms", "0ms", "How long a call may wait for a permit."));

        private final Spec spec;

        RateLimit(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.retry}. */
    public enum Retry implements ConfigKey {
        ATTEMPTS(min("attempts", Notation.WHOLE_NUMBER, "3", "1", "Attempts in all, the first included.")),
        BACKOFF(min("backoff", Notation.DURATION, "25ms", "0ms", "First delay; doubles per attempt, with jitter.")),
        MAX_BACKOFF(min("max-backoff", Notation.DURATION, "1s", "0ms", "Largest delay (at least backoff).")),
        ON(of(
                "on",
                Notation.RETRY_CONDITIONS,
                "[connect-error, 502, 503, 504]",
                "What is retried: connect-error, timeout, 408, 429, 5xx statuses.")),
        BUDGET(of("budget", Notation.RATIO, "20%", "Retries as a share of calls, per upstream."));

        private final Spec spec;

        Retry(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.circuit-breaker}. */
    public enum CircuitBreaker implements ConfigKey {
        FAILURE_RATE(min("failure-rate", Notation.RATIO, "50%", ">0%", "Failure share that opens the circuit.")),
        SLOW_CALL(min("slow-call", Notation.DURATION, "1s", "1ms", "A call slower than this is slow.")),
        SLOW_CALL_RATE(min("slow-call-rate", Notation.RATIO, "100%", ">0%", "Slow share that opens the circuit.")),
        WINDOW(min("window", Notation.DURATION, "20s", "1s", "Sliding window, whole seconds.")),
        MIN_CALLS(min("min-calls", Notation.WHOLE_NUMBER, "20", "1", "Calls in the window before rates count.")),
        OPEN_FOR(min("open-for", Notation.DURATION, "10s", "1ms", "How long the circuit stays open."));

        private final Spec spec;

        CircuitBreaker(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.hedge}. */
    public enum Hedge implements ConfigKey {
        AFTER(min("after", Notation.DURATION, REQUIRED, "1ms", "Delay before the second attempt.")),
        BUDGET(min("budget", Notation.RATIO, "5%", ">0%", "Hedged calls as a share of calls."));

        private final Spec spec;

        Hedge(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code upstreams.<name>.cache}. */
    public enum Cache implements ConfigKey {
        TTL(min("ttl", Notation.DURATION, "0s", "0ms", "How long an answer is served fresh.")),
        STALE_IF_ERROR(min(
                "stale-if-error",
                Notation.DURATION,
                "0s",
                "0ms",
                "How long after ttl an answer is served when the call fails.")),
        MAX_ENTRIES(min("max-entries", Notation.WHOLE_NUMBER, "10000", "1", "Most answers kept.")),
        MAX_BYTES(min("max-bytes", Notation.SIZE, "64MB", "1B", "Most bytes of answers kept."));

        private final Spec spec;

        Cache(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code endpoints.<name>}. */
    public enum Endpoint implements ConfigKey {
        METHOD(choice("method", "GET", METHODS, "HTTP method; HEAD is also served by GET endpoints.")),
        PATH(of("path", Notation.STRING, REQUIRED, "Route: literal segments and whole-segment {variables}.")),
        DEADLINE(min("deadline", Notation.DURATION, "2s", "1ms", "Budget of the whole request.")),
        ON_FAILURE(choice(
                "on-failure",
                "partial",
                List.of("partial", "fail-fast"),
                "partial: optional calls may fail; fail-fast: the first failed required call cancels the rest.")),
        FORWARD_HEADERS(of("forward-headers", Notation.HEADER_LIST, "[]", "Client headers forwarded to every call.")),
        CALLS(of("calls", Notation.NAMED_SECTIONS, REQUIRED, "The calls; their order is the order of data.")),
        AUTH(choice(
                "auth",
                "none",
                List.of("required", "optional", "none"),
                "required: a valid JWT or API key; optional: one if presented; none: public, not metered.")),
        SCOPES(of("scopes", Notation.STRING_LIST, "[]", "Every listed scope must be in the token's scope/scp."));

        private final Spec spec;

        Endpoint(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code endpoints.<name>.calls.<call>}. */
    public enum Call implements ConfigKey {
        UPSTREAM(of("upstream", Notation.STRING, REQUIRED, "An upstream name.")),
        METHOD(choice("method", "GET", METHODS, "HTTP method of the call.")),
        PATH(of(
                "path",
                Notation.TEMPLATE,
                null,
                "Path template under the upstream's url; required for http and java.")),
        QUERY(of("query", Notation.QUERY, null, "Query parameter templates (http), or the SQL (jdbc).")),
        HEADERS(of("headers", Notation.HEADER_MAP, null, "Header templates.")),
        BODY(of("body", Notation.JSON, null, "JSON template; \"{body}\" forwards the client's body.")),
        REQUIRED_CALL(of("required", Notation.BOOLEAN, "true", "A failed required call fails the request.")),
        SELECT(of("select", Notation.JSON_POINTER, null, "JSON Pointer into the upstream body.")),
        TIMEOUT(min("timeout", Notation.DURATION, "the upstream's", "1ms", "Per-attempt timeout of this call.")),
        FOR_EACH(of("for-each", Notation.STRING, null, "call.path.to.array: one call per element.")),
        CONCURRENCY(min("concurrency", Notation.WHOLE_NUMBER, "8", "1", "For-each: element calls at once.")),
        MAX_ITEMS(min(
                "max-items",
                Notation.WHOLE_NUMBER,
                "1000",
                "1",
                "For-each: a longer list fails the call with invalid-response.")),
        IDEMPOTENT(of("idempotent", Notation.BOOLEAN, "by method", "Allows retry and hedging of a POST or PATCH.")),
        SINGLE(of("single", Notation.BOOLEAN, "false", "jdbc: the first row as an object instead of all rows."));

        private final Spec spec;

        Call(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients}. */
    public enum Clients implements ConfigKey {
        JWT(of("jwt", Notation.SECTION, null, "OAuth2/OIDC access tokens (JWT) checked against a JWKS.")),
        API_KEYS(of("api-keys", Notation.SECTION, null, "Static keys, configured as SHA-256 hex digests only.")),
        PLANS(of("plans", Notation.NAMED_SECTIONS, null, "Inbound quotas by plan name, and plan-claim.")),
        QUOTA_STORE(choice(
                "quota-store",
                "local",
                List.of("local", "redis"),
                "local: buckets per instance; redis: one bucket per client for the fleet."));

        private final Spec spec;

        Clients(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients.jwt}. */
    public enum Jwt implements ConfigKey {
        ISSUER(of("issuer", Notation.STRING, REQUIRED, "The exact iss of accepted tokens.")),
        JWKS_URI(of("jwks-uri", Notation.STRING, REQUIRED, "http(s) URL of the issuer's JSON Web Key Set.")),
        AUDIENCES(of("audiences", Notation.STRING_LIST, REQUIRED, "A token's aud must contain one of these.")),
        ALGORITHMS(of(
                "algorithms",
                Notation.STRING_LIST,
                "[RS256, ES256]",
                "Accepted signature algorithms; none and HMAC are never accepted.")),
        CLOCK_SKEW(min("clock-skew", Notation.DURATION, "30s", "0ms", "Tolerance for exp and nbf.")),
        JWKS_CACHE(min("jwks-cache", Notation.DURATION, "5m", "1s", "How long fetched keys are used."));

        private final Spec spec;

        Jwt(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients.api-keys}. */
    public enum ApiKeys implements ConfigKey {
        HEADER(of("header", Notation.STRING, "X-Api-Key", "The request header carrying the key.")),
        KEYS(of("keys", Notation.NAMED_SECTIONS, REQUIRED, "Keys by client name (the client id)."));

        private final Spec spec;

        ApiKeys(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients.api-keys.keys.<name>}. */
    public enum ApiKey implements ConfigKey {
        SHA256(of("sha256", Notation.STRING, REQUIRED, "SHA-256 of the key, 64 hex digits; never the key itself.")),
        PLAN(of("plan", Notation.STRING, null, "The client's plan; without one, the plan named default."));

        private final Spec spec;

        ApiKey(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients.plans}: named plans, plus this key. */
    public enum Plans implements ConfigKey {
        PLAN_CLAIM(of("plan-claim", Notation.STRING, null, "JWT claim naming the client's plan."));

        private final Spec spec;

        Plans(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }

    /** {@code clients.plans.<name>}. */
    public enum Plan implements ConfigKey {
        RATE(of("rate", Notation.RATE, REQUIRED, "Requests per second, minute or hour (the refill rate).")),
        BURST(min("burst", Notation.WHOLE_NUMBER, "one second's worth", "1", "Bucket size: requests at once."));

        private final Spec spec;

        Plan(Spec spec) {
            this.spec = spec;
        }

        @Override
        public Spec spec() {
            return spec;
        }
    }
}
