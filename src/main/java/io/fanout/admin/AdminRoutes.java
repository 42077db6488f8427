package io.fanout.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.ValidatedConfig;
import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigBinder;
import io.fanout.definition.ConfigWriter;
import io.fanout.definition.EndpointDefinition;
import io.fanout.definition.InvalidConfigException;
import io.fanout.engine.ActiveConfig;
import io.fanout.plan.CompiledConfig;
import io.fanout.reload.ConfigApplier;
import io.fanout.store.ConfigStore;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionConflict;
import io.fanout.store.VersionInfo;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.fanout.web.ProblemWriter;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The admin API (SPEC §4). Reads the config (YAML or JSON by {@code Accept}, version in {@code ETag}), its versions,
 * sections and upstream status. In database mode it also changes it: whole config, one upstream or one endpoint,
 * with {@code If-Match} (412 when stale), {@code ?dry-run=true}, 422 listing every problem, and restores; each
 * change is one new stored version that every instance applies. Without a database every write answers 409.
 *
 * <p>Request-path work is non-blocking: versions are read and written over R2DBC; validating a document is CPU
 * work on the event loop (no I/O), compiling it runs off the event loop in {@link ConfigApplier}.
 */
public final class AdminRoutes {

    /** {@code Fanout-Reason}: why a change is made, recorded with its version. */
    public static final String REASON_HEADER = "Fanout-Reason";

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final String AUTHOR = AdminRoutes.class.getName() + ".author";
    private static final String UPSTREAMS = "upstreams";
    private static final String ENDPOINTS = "endpoints";
    private static final int MAX_REASON = 500;

    private final ActiveConfig active;
    private final AdminAuth auth;
    private final String source;
    private final @Nullable ConfigPipeline pipeline;
    private final @Nullable ConfigStore store;
    private final @Nullable ConfigApplier applier;
    private final Instant loadedAt = Instant.now();

    /** The read-only admin API of file mode. */
    public AdminRoutes(ActiveConfig active, AdminAuth auth, String source) {
        this(active, auth, source, null, null, null);
    }

    /**
     * @param source  where file mode's config came from (for messages)
     * @param store   the config versions in database mode; null in file mode (writes answer 409)
     * @param applier stores and applies changes in database mode; null in file mode
     */
    public AdminRoutes(ActiveConfig active, AdminAuth auth, String source, @Nullable ConfigPipeline pipeline,
            @Nullable ConfigStore store, @Nullable ConfigApplier applier) {
        if ((store == null) != (applier == null) || (store != null && pipeline == null)) {
            throw new IllegalArgumentException("database mode needs the store, the applier and the pipeline");
        }
        this.active = active;
        this.auth = auth;
        this.source = source;
        this.pipeline = pipeline;
        this.store = store;
        this.applier = applier;
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .route(RequestPredicates.path("/admin/config"), resource(Map.of(
                        HttpMethod.GET, this::config,
                        HttpMethod.PUT, this::putConfig)))
                .route(RequestPredicates.path("/admin/config/versions"), resource(Map.of(
                        HttpMethod.GET, this::versions)))
                .route(RequestPredicates.path("/admin/config/versions/{n}"), resource(Map.of(
                        HttpMethod.GET, this::version)))
                .route(RequestPredicates.path("/admin/config/versions/{n}/restore"), resource(Map.of(
                        HttpMethod.POST, this::restore)))
                .route(RequestPredicates.path("/admin/upstreams/{name}/status"), resource(Map.of(
                        HttpMethod.GET, this::status)))
                .route(RequestPredicates.path("/admin/upstreams/{name}"), section(UPSTREAMS))
                .route(RequestPredicates.path("/admin/endpoints/{name}"), section(ENDPOINTS))
                .route(RequestPredicates.path("/admin").or(RequestPredicates.path("/admin/**")),
                        r -> ProblemWriter.response(r.exchange(), 404, "no admin resource at " + r.path(), null))
                .filter((request, next) -> authorize(request).switchIfEmpty(Mono.defer(() -> next.handle(request))))
                .build();
    }

    private HandlerFunction<ServerResponse> section(String kind) {
        return resource(Map.of(
                HttpMethod.GET, r -> readSection(r, kind),
                HttpMethod.PUT, r -> putSection(r, kind),
                HttpMethod.DELETE, r -> deleteSection(r, kind)));
    }

    /** Dispatches by method: HEAD as GET, anything else not listed is 405 with {@code Allow}. */
    private static HandlerFunction<ServerResponse> resource(Map<HttpMethod, HandlerFunction<ServerResponse>> methods) {
        Set<String> allowed = new LinkedHashSet<>();
        for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST,
                HttpMethod.DELETE)) {
            if (methods.containsKey(m) || (m == HttpMethod.HEAD && methods.containsKey(HttpMethod.GET))) {
                allowed.add(m.name());
            }
        }
        String allow = String.join(", ", allowed);
        return request -> {
            HttpMethod method = request.method() == HttpMethod.HEAD ? HttpMethod.GET : request.method();
            HandlerFunction<ServerResponse> handler = methods.get(method);
            if (handler == null) {
                HttpHeaders headers = new HttpHeaders();
                headers.set(HttpHeaders.ALLOW, allow);
                return ProblemWriter.response(request.exchange(), 405, "method " + request.method().name()
                        + " is not allowed on " + request.path() + " (allowed: " + allow + ")", headers);
            }
            return Mono.defer(() -> handler.handle(request))
                    .onErrorResume(AdminProblem.class, p -> p.response(request))
                    .onErrorResume(DryRun.class, DryRun::response);
        };
    }

    private Mono<ServerResponse> authorize(ServerRequest request) {
        AdminAuth.Outcome outcome = auth.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
        if (outcome.result() == AdminAuth.Result.OK) {
            request.attributes().put(AUTHOR, Objects.requireNonNull(outcome.name()));
        }
        return AdminAuth.refusal(request, outcome.result(), "fanout-admin", "the admin API is disabled: set"
                + " FANOUT_ADMIN_TOKEN to a secret token and send it as 'Authorization: Bearer <token>'");
    }

    // ---- reads

    /** The current config: the latest stored version in database mode, the active one in file mode. */
    private Mono<StoredConfig> current() {
        if (store == null) {
            CompiledConfig c = active.current();
            return Mono.just(new StoredConfig(fileVersionInfo(c.version()), ConfigWriter.document(c.definition())));
        }
        return store.latest().switchIfEmpty(Mono.error(() -> new AdminProblem(503,
                "no config version is stored yet; this instance is still starting")));
    }

    private Mono<ServerResponse> config(ServerRequest request) {
        return current().flatMap(c -> document(request, c.document(), c.version(), 200));
    }

    private Mono<ServerResponse> readSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        return current().flatMap(c -> {
            Object part = ConfigDocuments.section(c.document(), kind).get(name);
            if (part == null) {
                return Mono.error(noSuch(kind, name));
            }
            return document(request, part, c.version(), 200);
        });
    }

    private Mono<ServerResponse> status(ServerRequest request) {
        String name = request.pathVariable("name");
        UpstreamClient client = active.current().upstreams().get(name);
        if (!(client instanceof ResilientUpstreamClient resilient)) {
            return ProblemWriter.response(request.exchange(), 404, "no upstream named '" + name + "'", null);
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ConfigDocuments.json(resilient.status()));
    }

    private Mono<ServerResponse> versions(ServerRequest request) {
        long before = longParameter(request, "before", Long.MAX_VALUE);
        int limit = (int) longParameter(request, "limit", 100);
        if (limit < 1 || limit > 1000) {
            return Mono.error(new AdminProblem(400, "limit must be between 1 and 1000 but was " + limit));
        }
        Mono<List<Map<String, Object>>> page = store == null
                ? Mono.just(List.of(versionJson(fileVersionInfo(active.current().version()))))
                : store.versions(before, limit).map(AdminRoutes::versionJson).collectList();
        return page.flatMap(list -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("active", active.current().version());
            body.put("versions", list);
            if (list.size() == limit && store != null) {
                long oldest = ((Number) list.get(list.size() - 1).get("version")).longValue();
                body.put("next", "/admin/config/versions?before=" + oldest + "&limit=" + limit);
            }
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(ConfigDocuments.json(body));
        });
    }

    private Mono<ServerResponse> version(ServerRequest request) {
        return storedVersion(request).flatMap(v -> document(request, v.document(), v.version(), 200));
    }

    private Mono<StoredConfig> storedVersion(ServerRequest request) {
        long n;
        try {
            n = Long.parseLong(request.pathVariable("n"));
        } catch (NumberFormatException e) {
            return Mono.error(new AdminProblem(400, "version must be a number but was '"
                    + request.pathVariable("n") + "'"));
        }
        Mono<StoredConfig> found = store != null ? store.version(n)
                : current().filter(c -> c.version() == n);
        return found.switchIfEmpty(Mono.error(() -> new AdminProblem(404, "no config version " + n)));
    }

    // ---- writes

    private Mono<ServerResponse> putConfig(ServerRequest request) {
        return readOnly(request).switchIfEmpty(Mono.defer(() -> body(request)
                .flatMap(tree -> change(request, "replaced the whole config", current -> {
                    if (!(tree instanceof Map<?, ?>)) {
                        throw AdminProblem.invalid(ConfigBinder.bind(tree).problems());
                    }
                    return copy(tree);
                }).flatMap(stored -> document(request, stored.document(), stored.version(), 200)))));
    }

    private Mono<ServerResponse> putSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        boolean[] created = {false};
        return readOnly(request).switchIfEmpty(Mono.defer(() -> body(request)
                .flatMap(tree -> change(request, "PUT " + kind + " '" + name + "'", current -> {
                    Map<String, Object> next = copy(current.document());
                    Map<String, Object> section = copy(ConfigDocuments.section(next, kind));
                    created[0] = !section.containsKey(name);
                    section.put(name, tree);
                    next.put(kind, section);
                    return next;
                }))
                .flatMap(stored -> {
                    Object written = ConfigDocuments.section(stored.document(), kind).get(name);
                    if (created[0] && !isDryRun(request)) {
                        return ServerResponse.created(request.uri()).contentType(wantsYaml(request) ? YAML
                                        : MediaType.APPLICATION_JSON).eTag(etag(stored.version()))
                                .bodyValue(render(request, written));
                    }
                    return document(request, written, stored.version(), 200);
                })));
    }

    private Mono<ServerResponse> deleteSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        return readOnly(request).switchIfEmpty(Mono.defer(() -> change(request, "DELETE " + kind + " '" + name
                + "'", current -> {
                    Map<String, Object> section = copy(ConfigDocuments.section(current.document(), kind));
                    if (!section.containsKey(name)) {
                        throw noSuch(kind, name);
                    }
                    if (kind.equals(UPSTREAMS)) {
                        List<String> users = usersOf(current, name);
                        if (!users.isEmpty()) {
                            throw new AdminProblem(409, "upstream '" + name + "' is in use by " + String.join(", ",
                                    users) + ": change or delete those calls first", Map.of("usedBy", users),
                                    new HttpHeaders());
                        }
                    }
                    section.remove(name);
                    Map<String, Object> next = copy(current.document());
                    next.put(kind, section);
                    return next;
                }).flatMap(stored -> ServerResponse.noContent().eTag(etag(stored.version())).build())));
    }

    private Mono<ServerResponse> restore(ServerRequest request) {
        return readOnly(request).switchIfEmpty(Mono.defer(() -> storedVersion(request)
                .flatMap(old -> change(request, "restored version " + old.version(), current -> copy(old.document())))
                .flatMap(stored -> document(request, stored.document(), stored.version(), 200))));
    }

    /**
     * The one way every change goes: read the latest version, check {@code If-Match}, edit, validate (422 with
     * every problem), then either report (dry run) or store and apply as the next version. 412 when {@code If-Match}
     * names an older version or another change lands first; without {@code If-Match} the edit is redone on the newer
     * version instead (a few times). Emits the stored version; a dry run ends with its report instead.
     */
    private Mono<StoredConfig> change(ServerRequest request, String what,
            Function<StoredConfig, Map<String, Object>> edit) {
        ConfigStore versions = Objects.requireNonNull(store);
        Mono<StoredConfig> attempt = Mono.defer(() -> versions.latest()
                .switchIfEmpty(Mono.error(() -> new AdminProblem(503, "no config version is stored yet")))
                .flatMap(current -> {
                    checkIfMatch(request, current.version());
                    Map<String, Object> next = edit.apply(current);
                    ValidatedConfig checked = Objects.requireNonNull(pipeline).validate(next);
                    if (!checked.valid()) {
                        return Mono.error(AdminProblem.invalid(checked.problems()));
                    }
                    if (isDryRun(request)) {
                        return Mono.error(new DryRun(current, next));
                    }
                    return Objects.requireNonNull(applier)
                            .store(checked, current.version(), author(request), reason(request, what));
                }));
        // Without If-Match the client asked for its edit on whatever is latest: when another change lands between
        // reading the latest version and storing, the edit is redone on the newer one (validated again).
        boolean conditional = !request.headers().header(HttpHeaders.IF_MATCH).isEmpty();
        return attempt
                .retryWhen(Retry.max(conditional ? 0 : 3).filter(VersionConflict.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorMap(VersionConflict.class, conflict -> AdminProblem.stale(
                        etag(conflict.expectedVersion()), conflict.latestVersion()))
                .onErrorMap(InvalidConfigException.class, invalid -> AdminProblem.invalid(invalid.problems()));
    }

    /** Ends a dry run's pipeline early with its report: an answer, not a failure (stackless). */
    private static final class DryRun extends RuntimeException {

        private final long currentVersion;
        private final Map<String, Object> report;

        DryRun(StoredConfig current, Map<String, Object> next) {
            super("dry run", null, false, false);
            this.currentVersion = current.version();
            this.report = new LinkedHashMap<>();
            report.put("dryRun", true);
            report.put("valid", true);
            report.put("currentVersion", current.version());
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put(UPSTREAMS, differences(ConfigDocuments.section(current.document(), UPSTREAMS),
                    ConfigDocuments.section(next, UPSTREAMS)));
            changes.put(ENDPOINTS, differences(ConfigDocuments.section(current.document(), ENDPOINTS),
                    ConfigDocuments.section(next, ENDPOINTS)));
            report.put("changes", changes);
        }

        Mono<ServerResponse> response() {
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).eTag(etag(currentVersion))
                    .bodyValue(ConfigDocuments.json(report));
        }
    }

    private static Map<String, List<String>> differences(Map<String, Object> before, Map<String, Object> after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        after.forEach((name, value) -> {
            if (!before.containsKey(name)) {
                added.add(name);
            } else if (!Objects.equals(before.get(name), value)) {
                changed.add(name);
            }
        });
        before.keySet().stream().filter(name -> !after.containsKey(name)).forEach(removed::add);
        Map<String, List<String>> d = new LinkedHashMap<>();
        d.put("added", added);
        d.put("changed", changed);
        d.put("removed", removed);
        return d;
    }

    private Mono<ServerResponse> readOnly(ServerRequest request) {
        if (store != null) {
            return Mono.empty();
        }
        return ProblemWriter.response(request.exchange(), 409, "read-only: no database configured (config comes"
                + " from " + source + "; set spring.r2dbc.url to change it at runtime)", null);
    }

    /** The request body as a generic tree; YAML or JSON by {@code Content-Type} (none means YAML). */
    private static Mono<Object> body(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && !isYaml(type) && !isJson(type)) {
            return Mono.error(new AdminProblem(415, "send the config as application/yaml or application/json,"
                    + " not " + type));
        }
        return request.bodyToMono(String.class)
                .onErrorMap(DataBufferLimitException.class, tooBig -> new AdminProblem(413, "the body is larger"
                        + " than spring.codec.max-in-memory-size allows"))
                .switchIfEmpty(Mono.error(() -> new AdminProblem(400, "the body is empty: send the config as"
                        + " application/yaml or application/json")))
                .map(text -> {
                    Object tree;
                    try {
                        tree = ConfigPipeline.read(text);
                    } catch (InvalidConfigException syntax) {
                        throw AdminProblem.unreadable(syntax.problems());
                    }
                    if (tree == null) {
                        throw new AdminProblem(400, "the body is empty: send the config as application/yaml or"
                                + " application/json");
                    }
                    return tree;
                });
    }

    private static boolean isYaml(MediaType type) {
        return type.getSubtype().equals("yaml") || type.getSubtype().equals("x-yaml")
                || type.getSubtype().endsWith("+yaml");
    }

    private static boolean isJson(MediaType type) {
        return type.getSubtype().equals("json") || type.getSubtype().endsWith("+json");
    }

    private static void checkIfMatch(ServerRequest request, long current) {
        List<String> values = request.headers().header(HttpHeaders.IF_MATCH);
        if (values.isEmpty()) {
            return;
        }
        String wanted = etag(current);
        for (String value : values) {
            for (String tag : value.split(",")) {
                String t = tag.trim();
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals("*") || t.equals(wanted)) {
                    return;
                }
            }
        }
        throw AdminProblem.stale(String.join(", ", values), current);
    }

    private static boolean isDryRun(ServerRequest request) {
        return request.queryParam("dry-run").map(v -> v.isEmpty() || v.equalsIgnoreCase("true")).orElse(false);
    }

    private static String author(ServerRequest request) {
        Object name = request.attributes().get(AUTHOR);
        return name == null ? AdminAuth.DEFAULT_NAME : name.toString();
    }

    private static String reason(ServerRequest request, String what) {
        String given = request.headers().firstHeader(REASON_HEADER);
        if (given == null || given.isBlank()) {
            return what;
        }
        String trimmed = given.strip();
        return (trimmed.length() > MAX_REASON ? trimmed.substring(0, MAX_REASON) : trimmed) + " (" + what + ")";
    }

    private static List<String> usersOf(StoredConfig current, String upstream) {
        List<String> users = new ArrayList<>();
        for (EndpointDefinition endpoint : ConfigBinder.bind(current.document()).definition().endpoints().values()) {
            for (Map.Entry<String, CallDefinition> call : endpoint.calls().entrySet()) {
                if (upstream.equals(call.getValue().upstream())) {
                    users.add("endpoints." + endpoint.name() + ".calls." + call.getKey());
                }
            }
        }
        return users;
    }

    private static AdminProblem noSuch(String kind, String name) {
        return new AdminProblem(404, "no " + kind.substring(0, kind.length() - 1) + " named '" + name + "'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Object map) {
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    private static long longParameter(ServerRequest request, String name, long otherwise) {
        String value = request.queryParam(name).orElse(null);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new AdminProblem(400, name + " must be a number but was '" + value + "'");
        }
    }

    private VersionInfo fileVersionInfo(long version) {
        return new VersionInfo(version, loadedAt, "file", "loaded from " + source);
    }

    private static Map<String, Object> versionJson(VersionInfo info) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", info.version());
        v.put("createdAt", info.createdAt().toString());
        v.put("createdBy", info.createdBy());
        v.put("reason", info.reason());
        return v;
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static Mono<ServerResponse> document(ServerRequest request, Object document, long version, int status) {
        return ServerResponse.status(status).contentType(wantsYaml(request) ? YAML : MediaType.APPLICATION_JSON)
                .eTag(etag(version))
                .bodyValue(render(request, document));
    }

    private static byte[] render(ServerRequest request, @Nullable Object document) {
        return wantsYaml(request) ? ConfigDocuments.yaml(document) : ConfigDocuments.json(document);
    }

    private static boolean wantsYaml(ServerRequest request) {
        for (MediaType t : request.headers().accept()) {
            String subtype = t.getSubtype().toLowerCase(Locale.ROOT);
            if (subtype.contains("yaml")) {
                return true;
            }
            if (subtype.equals("json") || subtype.endsWith("+json")) {
                return false;
            }
        }
        return false;
    }
}
