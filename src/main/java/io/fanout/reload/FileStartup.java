package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.plan.CompiledConfig;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File mode's start: {@code fanout.config} as version 1, or no endpoints at all without one. */
public final class FileStartup implements InitialConfig {

    private static final Logger log = LoggerFactory.getLogger(FileStartup.class);

    @Override
    public CompiledConfig initial(@Nullable Path file, ConfigPipeline pipeline) {
        if (file == null) {
            log.warn("no fanout.config given: starting with no endpoints (pass --fanout.config=<file>)");
        }
        CompiledConfig compiled = pipeline.load(file == null ? null : ConfigPipeline.read(file), 1, null);
        log.info(
                "config {} loaded: {} upstreams, {} endpoints",
                file == null ? "(none)" : file,
                compiled.upstreams().size(),
                compiled.endpoints().size());
        return compiled;
    }
}
