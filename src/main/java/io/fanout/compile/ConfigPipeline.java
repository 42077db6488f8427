package io.fanout.compile;

import io.fanout.definition.BoundConfig;
import io.fanout.definition.ConfigBinder;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.ConfigReader;
import io.fanout.definition.EndpointDefinition;
import io.fanout.definition.InvalidConfigException;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import io.fanout.plan.RouteTable;
import io.fanout.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one way a config document becomes something Fanout runs, used alike by start-up, the admin API, reload and
 * the command line: read (YAML or JSON text or file, to a generic tree) → {@link #validate} (the binder checks
 * shape, the compiler meaning; every problem located, in document order, each once) → {@link #compile} (upstream
 * clients and plans, only for a valid document, without checking again).
 *
 * <pre>{@code
 * ValidatedConfig checked = pipeline.validate(ConfigPipeline.read(text));
 * if (!checked.valid()) { report(checked.problems()); }
 * CompiledConfig next = pipeline.compile(checked, version, active.current());
 * }</pre>
 *
 * <p>No I/O beyond reading a file; compiling builds clients (their pools connect lazily) and registers timers.
 */
public final class ConfigPipeline {

    private final UpstreamClientFactory clients;
    private final MeterRegistry registry;
    private final ConfigEnvironment environment;

    /**
     * @param clients     builds upstream clients (only for valid configs)
     * @param registry    where endpoint and call timers are registered
     * @param environment where {@code ${NAME}} values come from and which names may be used
     */
    public ConfigPipeline(UpstreamClientFactory clients, MeterRegistry registry, ConfigEnvironment environment) {
        this.clients = clients;
        this.registry = registry;
        this.environment = environment;
    }

    /**
     * Reads YAML (or JSON) text into a document tree; an empty text is null (the empty config).
     *
     * @throws InvalidConfigException for a syntax error, with line and column
     */
    public static @Nullable Object read(String text) {
        return ConfigReader.read(text);
    }

    /**
     * Reads a file (JSON for {@code .json}, YAML otherwise) into a document tree.
     *
     * @throws InvalidConfigException           for a syntax error, with line and column
     * @throws java.io.UncheckedIOException     when the file cannot be read
     */
    public static @Nullable Object read(Path file) {
        return ConfigReader.read(file);
    }

    /** Checks a document tree (null is the empty config); never throws for what the document says. */
    public ValidatedConfig validate(@Nullable Object document) {
        BoundConfig bound = ConfigBinder.bind(document);
        List<ConfigProblem> problems = new ArrayList<>();
        EnvironmentExpander expander = new EnvironmentExpander(environment);
        UpstreamChecks upstreamChecks = new UpstreamChecks(bound, expander);
        Map<String, UpstreamDefinition> expanded = new LinkedHashMap<>();
        bound.definition().upstreams().forEach((name, u) -> expanded.put(name, upstreamChecks.check(u, problems)));
        ClientsChecks.check(bound, problems);
        Map<String, String> routes = new LinkedHashMap<>();
        List<EndpointDraft> endpoints = new ArrayList<>();
        for (EndpointDefinition e : bound.definition().endpoints().values()) {
            endpoints.add(new EndpointDraft(e, bound, expanded, routes, problems));
        }
        return new ValidatedConfig(
                asDocument(document), bound.definition(), bound.inDocumentOrder(problems), expanded, endpoints);
    }

    /**
     * Builds a valid config: one client per upstream (reusing {@code previous}'s client of an upstream whose expanded
     * definition did not change, so a reload keeps its pool, circuit state, bulkhead and cache), the plans and the
     * route table.
     *
     * @throws InvalidConfigException when {@code config} is not valid
     */
    public CompiledConfig compile(ValidatedConfig config, long version, @Nullable CompiledConfig previous) {
        config.requireValid();
        Map<String, UpstreamClient> built = new LinkedHashMap<>();
        List<UpstreamClient> created = new ArrayList<>();
        try {
            config.expandedUpstreams().forEach((name, u) -> {
                UpstreamClient reused = previous == null
                                || !u.equals(previous.expandedUpstreams().get(name))
                        ? null
                        : previous.upstreams().get(name);
                UpstreamClient client = reused != null ? reused : clients.create(u);
                if (reused == null) {
                    created.add(client);
                }
                built.put(name, client);
            });
        } catch (RuntimeException ex) {
            created.forEach(UpstreamClient::close);
            throw ex;
        }
        List<EndpointPlan> plans =
                config.endpoints().stream().map(d -> d.build(built, registry)).toList();
        return new CompiledConfig(
                version, config.definition(), config.expandedUpstreams(), built, plans, new RouteTable(plans));
    }

    /**
     * {@link #validate} and {@link #compile} in one step, for a document nobody needs the problems of one by one.
     *
     * @throws InvalidConfigException listing every problem
     */
    public CompiledConfig load(@Nullable Object document, long version, @Nullable CompiledConfig previous) {
        return compile(validate(document).requireValid(), version, previous);
    }

    @SuppressWarnings("unchecked") // a map read from YAML or JSON has string keys; others are reported as problems
    private static Map<String, Object> asDocument(@Nullable Object document) {
        if (document instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> empty = new LinkedHashMap<>();
        empty.put("upstreams", new LinkedHashMap<>());
        empty.put("endpoints", new LinkedHashMap<>());
        return empty;
    }
}
