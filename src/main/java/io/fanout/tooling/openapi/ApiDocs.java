package io.fanout.tooling.openapi;

import static io.fanout.tooling.openapi.Operations.object;
import static io.fanout.tooling.openapi.Operations.schema;

import io.fanout.engine.ActiveConfig;
import io.fanout.json.JsonCodec;
import io.fanout.plan.CompiledConfig;
import io.fanout.render.ProblemTypes;
import io.fanout.tooling.ConfigSchema;
import io.fanout.upstream.ErrorType;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Yaml31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 document of an instance: own APIs plus the composite endpoints of the active config. Built off the
 * event loop the first time it is asked for after a config change (the cache is keyed by the compiled config
 * instance, so every swap, admin write or reload included, yields a new document); never on a composite request.
 */
public final class ApiDocs {

    /** Where the document is served (springdoc's default, which its Swagger UI reads). */
    public static final String PATH = "/v3/api-docs";

    private final ActiveConfig active;
    private final String version;
    private final AtomicReference<Rendered> cache = new AtomicReference<>();

    /** @param version the application's version, for {@code info.version} */
    public ApiDocs(ActiveConfig active, String version) {
        this.active = active;
        this.version = version;
    }

    /** The document as JSON ({@code yaml} false) or YAML. */
    public Mono<byte[]> document(boolean yaml) {
        CompiledConfig config = active.current();
        Rendered rendered = cache.get();
        if (rendered != null && rendered.config() == config) {
            return Mono.just(yaml ? rendered.yaml() : rendered.json());
        }
        return Mono.fromCallable(() -> {
                    Rendered next = render(config);
                    cache.set(next);
                    return yaml ? next.yaml() : next.json();
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private record Rendered(CompiledConfig config, byte[] json, byte[] yaml) {}

    private Rendered render(CompiledConfig config) {
        ObjectNode tree = tree(config);
        @SuppressWarnings("unchecked") // a JSON object converts to a map with string keys
        Map<String, Object> asMap = JsonCodec.MAPPER.convertValue(tree, Map.class);
        String yaml = Yaml31.pretty(asMap);
        if (yaml == null) {
            throw new IllegalStateException("the OpenAPI document could not be written as YAML");
        }
        return new Rendered(
                config,
                JsonCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree),
                yaml.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The document as a tree, the config's JSON Schema included as the {@code Config} component. swagger-core
     * writes its models (with its own Jackson 2, kept behind {@code Json31.pretty}); the rest is Jackson 3.
     */
    ObjectNode tree(CompiledConfig config) {
        String modelJson = Json31.pretty(model(config));
        if (modelJson == null) {
            throw new IllegalStateException("the OpenAPI document could not be written");
        }
        ObjectNode tree = (ObjectNode) JsonCodec.MAPPER.readTree(modelJson);
        Map<String, Object> configSchema = new LinkedHashMap<>(ConfigSchema.tree());
        configSchema.remove("$schema");
        ObjectNode schemas = tree.withObjectProperty("components").withObjectProperty("schemas");
        schemas.set("Config", JsonCodec.MAPPER.valueToTree(configSchema));
        return tree;
    }

    OpenAPI model(CompiledConfig config) {
        Components components = new Components()
                .addSecuritySchemes(OwnApis.ADMIN_TOKEN, bearer("FANOUT_ADMIN_TOKEN (or fanout.admin.tokens.*)"))
                .addSecuritySchemes(OwnApis.JOBS_TOKEN, bearer("FANOUT_JOBS_TOKEN or the admin token"))
                .addSchemas(Operations.PROBLEM, problem());
        CompositeApis.addShared(
                components,
                Arrays.stream(ErrorType.values()).map(ErrorType::wireName).toList());
        Paths paths = new Paths();
        OwnApis.addTo(paths);
        CompositeApis.addTo(paths, components, config);
        return new OpenAPI(SpecVersion.V31)
                .openapi("3.1.0")
                .info(new Info()
                        .title("Fanout")
                        .version(version)
                        .description("Admin and jobs APIs, and the" + " composite endpoints of config version "
                                + config.version() + "."))
                .tags(List.of(
                        new Tag().name(CompositeApis.TAG).description("Composite endpoints of the active" + " config"),
                        new Tag().name(OwnApis.ADMIN).description("Config and upstream administration (SPEC §4)"),
                        new Tag().name(OwnApis.JOBS).description("Batch jobs (SPEC §5)")))
                .components(components)
                .paths(paths);
    }

    private static SecurityScheme bearer(String description) {
        return new SecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .description(description);
    }

    /** RFC 9457 problem as Fanout writes it: {@code errors} for a failed composite request. */
    private static io.swagger.v3.oas.models.media.Schema<Object> problem() {
        List<Object> types = List.of(
                ProblemTypes.typeFor(400),
                ProblemTypes.typeFor(401),
                ProblemTypes.typeFor(403),
                ProblemTypes.typeFor(404),
                ProblemTypes.typeFor(405),
                ProblemTypes.typeFor(406),
                ProblemTypes.typeFor(409),
                ProblemTypes.typeFor(412),
                ProblemTypes.typeFor(413),
                ProblemTypes.typeFor(415),
                ProblemTypes.typeFor(422),
                ProblemTypes.UPSTREAM_REJECTED,
                ProblemTypes.typeFor(502),
                ProblemTypes.typeFor(503),
                ProblemTypes.typeFor(504),
                ProblemTypes.typeFor(500));
        io.swagger.v3.oas.models.media.Schema<Object> type = schema("string").format("uri");
        type.setExamples(types);
        return object().description("RFC 9457 problem details; types are described in docs/problems.md")
                .addProperty("type", type)
                .addProperty("title", schema("string"))
                .addProperty("status", schema("integer"))
                .addProperty("detail", schema("string"))
                .addProperty("requestId", schema("string"))
                .addProperty("errors", schema("array").items(Operations.ref("CallError")))
                .required(List.of("type", "title", "status"));
    }
}
