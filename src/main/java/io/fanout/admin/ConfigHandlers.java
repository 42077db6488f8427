package io.fanout.admin;

import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigBinder;
import io.fanout.definition.EndpointDefinition;
import io.fanout.reload.ChangeOutcome;
import io.fanout.reload.ConfigSource;
import io.fanout.reload.ProposedChange;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionInfo;
import io.fanout.web.ProblemException;
import io.fanout.web.ProblemWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The admin API's config resources as HTTP over a {@link ConfigSource}, the same in both modes: the whole config,
 * one upstream or endpoint, versions and restore. Every change is a {@link ProposedChange} whose
 * {@link ChangeOutcome} becomes the answer; where the source is read-only only dry runs go through.
 */
final class ConfigHandlers {

    static final String UPSTREAMS = "upstreams";
    static final String ENDPOINTS = "endpoints";

    private final ConfigSource source;

    ConfigHandlers(ConfigSource source) {
        this.source = source;
    }

    // ---- reads

    private Mono<StoredConfig> current() {
        return source.current()
                .switchIfEmpty(Mono.error(() ->
                        new ProblemException(503, "no config version is stored yet; this instance is still starting")));
    }

    Mono<ServerResponse> config(ServerRequest request) {
        return current().flatMap(c -> AdminRequests.document(request, c.document(), c.version(), 200));
    }

    Mono<ServerResponse> readSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        return current().flatMap(c -> {
            Object part = ConfigDocuments.section(c.document(), kind).get(name);
            if (part == null) {
                return Mono.error(noSuch(kind, name));
            }
            return AdminRequests.document(request, part, c.version(), 200);
        });
    }

    Mono<ServerResponse> versions(ServerRequest request) {
        long before = AdminRequests.longParameter(request, "before", Long.MAX_VALUE);
        int limit = (int) AdminRequests.longParameter(request, "limit", 100);
        if (limit < 1 || limit > 1000) {
            return Mono.error(new ProblemException(400, "limit must be between 1 and 1000 but was " + limit));
        }
        return source.versions(before, limit).flatMap(page -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("active", page.activeVersion());
            body.put(
                    "versions",
                    page.versions().stream().map(ConfigHandlers::versionJson).toList());
            if (page.nextBefore() != null) {
                body.put("next", "/admin/config/versions?before=" + page.nextBefore() + "&limit=" + limit);
            }
            return AdminRequests.json(body);
        });
    }

    Mono<ServerResponse> version(ServerRequest request) {
        return storedVersion(request).flatMap(v -> AdminRequests.document(request, v.document(), v.version(), 200));
    }

    private Mono<StoredConfig> storedVersion(ServerRequest request) {
        long n = AdminRequests.versionNumber(request);
        return source.version(n).switchIfEmpty(Mono.error(() -> new ProblemException(404, "no config version " + n)));
    }

    // ---- changes

    Mono<ServerResponse> putConfig(ServerRequest request) {
        return unlessReadOnly(
                request,
                () -> AdminRequests.body(request)
                        .flatMap(tree -> change(
                                request,
                                "replaced the whole config",
                                current -> tree,
                                stored -> AdminRequests.document(request, stored.document(), stored.version(), 200))));
    }

    Mono<ServerResponse> putSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        boolean[] created = {false};
        return unlessReadOnly(
                request,
                () -> AdminRequests.body(request)
                        .flatMap(tree -> change(
                                request,
                                "PUT " + kind + " '" + name + "'",
                                current -> {
                                    Map<String, Object> next = copy(current.document());
                                    Map<String, Object> section = copy(ConfigDocuments.section(next, kind));
                                    created[0] = !section.containsKey(name);
                                    section.put(name, tree);
                                    next.put(kind, section);
                                    return next;
                                },
                                stored -> {
                                    Object written = ConfigDocuments.section(stored.document(), kind)
                                            .get(name);
                                    return created[0]
                                            ? AdminRequests.created(request, written, stored.version())
                                            : AdminRequests.document(request, written, stored.version(), 200);
                                })));
    }

    Mono<ServerResponse> deleteSection(ServerRequest request, String kind) {
        String name = request.pathVariable("name");
        return unlessReadOnly(
                request,
                () -> change(
                        request,
                        "DELETE " + kind + " '" + name + "'",
                        current -> {
                            Map<String, Object> section = copy(ConfigDocuments.section(current.document(), kind));
                            if (!section.containsKey(name)) {
                                throw noSuch(kind, name);
                            }
                            if (kind.equals(UPSTREAMS)) {
                                List<String> users = usersOf(current, name);
                                if (!users.isEmpty()) {
                                    throw new ProblemException(
                                            409,
                                            "upstream '" + name + "' is in use by " + String.join(", ", users)
                                                    + ": change or delete those calls first",
                                            Map.of("usedBy", users),
                                            new HttpHeaders());
                                }
                            }
                            section.remove(name);
                            Map<String, Object> next = copy(current.document());
                            next.put(kind, section);
                            return next;
                        },
                        stored -> ServerResponse.noContent()
                                .eTag(AdminRequests.etag(stored.version()))
                                .build()));
    }

    Mono<ServerResponse> restore(ServerRequest request) {
        return unlessReadOnly(
                request,
                () -> storedVersion(request)
                        .flatMap(old -> change(
                                request,
                                "restored version " + old.version(),
                                current -> copy(old.document()),
                                stored -> AdminRequests.document(request, stored.document(), stored.version(), 200))));
    }

    /** 409 "read-only" for a change that is not a dry run where the source stores nothing; else {@code change}. */
    private Mono<ServerResponse> unlessReadOnly(
            ServerRequest request, java.util.function.Supplier<Mono<ServerResponse>> change) {
        return source.readOnly()
                .filter(why -> !AdminRequests.isDryRun(request))
                .map(why -> ProblemWriter.response(request.exchange(), 409, why, null))
                .orElseGet(() -> Mono.defer(change));
    }

    /** Proposes the edit and answers its outcome; {@code committed} answers a stored version. */
    private Mono<ServerResponse> change(
            ServerRequest request,
            String what,
            Function<StoredConfig, @Nullable Object> edit,
            Function<StoredConfig, Mono<ServerResponse>> committed) {
        ProposedChange change = new ProposedChange(
                edit,
                AdminRequests.ifMatch(request),
                AdminRequests.isDryRun(request),
                AdminRoutes.author(request),
                AdminRequests.reason(request, what));
        return source.propose(change)
                .switchIfEmpty(Mono.error(() -> new ProblemException(503, "no config version is stored yet")))
                .flatMap(outcome -> answer(request, outcome, committed));
    }

    private static Mono<ServerResponse> answer(
            ServerRequest request, ChangeOutcome outcome, Function<StoredConfig, Mono<ServerResponse>> committed) {
        if (outcome instanceof ChangeOutcome.Committed c) {
            return committed.apply(c.stored());
        }
        if (outcome instanceof ChangeOutcome.DryRun d) {
            return ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .eTag(AdminRequests.etag(d.current().version()))
                    .bodyValue(ConfigDocuments.json(d.report()));
        }
        if (outcome instanceof ChangeOutcome.Invalid invalid) {
            return ConfigRefusals.invalid(invalid.problems()).response(request);
        }
        if (outcome instanceof ChangeOutcome.Stale stale) {
            return ConfigRefusals.stale(stale.given(), stale.currentVersion()).response(request);
        }
        ChangeOutcome.ReadOnly readOnly = (ChangeOutcome.ReadOnly) outcome;
        return ProblemWriter.response(request.exchange(), 409, readOnly.detail(), null);
    }

    private static List<String> usersOf(StoredConfig current, String upstream) {
        List<String> users = new ArrayList<>();
        for (EndpointDefinition endpoint :
                ConfigBinder.bind(current.document()).definition().endpoints().values()) {
            for (Map.Entry<String, CallDefinition> call : endpoint.calls().entrySet()) {
                if (upstream.equals(call.getValue().upstream())) {
                    users.add("endpoints." + endpoint.name() + ".calls." + call.getKey());
                }
            }
        }
        return users;
    }

    private static ProblemException noSuch(String kind, String name) {
        return new ProblemException(404, "no " + kind.substring(0, kind.length() - 1) + " named '" + name + "'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Object map) {
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    private static Map<String, Object> versionJson(VersionInfo info) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", info.version());
        v.put("createdAt", info.createdAt().toString());
        v.put("createdBy", info.createdBy());
        v.put("reason", info.reason());
        return v;
    }
}
