package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.InvalidConfigException;
import io.fanout.plan.CompiledConfig;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The config an instance starts with, by mode (SPEC §3): {@link FileStartup} loads {@code fanout.config},
 * {@link DatabaseStartup} the latest stored version (importing the file into an empty database).
 */
public interface InitialConfig {

    /**
     * Reads and compiles the version to serve first.
     *
     * @param file {@code fanout.config}; null for none
     * @throws InvalidConfigException when the config to start with does not compile
     */
    CompiledConfig initial(@Nullable Path file, ConfigPipeline pipeline);
}
