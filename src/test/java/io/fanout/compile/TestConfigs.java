package io.fanout.compile;

import io.fanout.definition.BoundConfig;
import io.fanout.definition.ConfigBinder;
import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.InvalidConfigException;
import io.fanout.plan.CompiledConfig;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Shortcuts for tests: bind a document's shape only, or run the whole pipeline on YAML text. */
public final class TestConfigs {

    private TestConfigs() {}

    /**
     * The definition of a document whose shape is right (its references are not checked).
     *
     * @throws InvalidConfigException listing the shape problems
     */
    public static ConfigDefinition parseYaml(String yaml) {
        return parse(ConfigPipeline.read(yaml));
    }

    /** As {@link #parseYaml(String)}, for a document tree. */
    public static ConfigDefinition parse(@Nullable Object document) {
        BoundConfig bound = ConfigBinder.bind(document);
        if (!bound.problems().isEmpty()) {
            throw new InvalidConfigException(bound.problems());
        }
        return bound.definition();
    }

    /** As {@link #parseYaml(String)}, for a file. */
    public static ConfigDefinition load(Path file) {
        return parse(ConfigPipeline.read(file));
    }

    /** A pipeline that builds plain HTTP clients, with the given environment variables. */
    public static ConfigPipeline pipeline(UnaryOperator<@Nullable String> environment) {
        return new ConfigPipeline(
                HttpUpstreamClient::new, new SimpleMeterRegistry(), ConfigEnvironment.fileMode(environment));
    }

    /** Every problem of a document (shape and meaning), no environment variable set. */
    public static List<ConfigProblem> problems(String yaml) {
        return pipeline(name -> null).validate(ConfigPipeline.read(yaml)).problems();
    }

    /** Validates and compiles YAML text with {@code pipeline}. */
    public static CompiledConfig compile(
            ConfigPipeline pipeline, String yaml, long version, @Nullable CompiledConfig previous) {
        return pipeline.load(ConfigPipeline.read(yaml), version, previous);
    }
}
