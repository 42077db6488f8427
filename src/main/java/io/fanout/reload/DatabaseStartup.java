package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.InvalidConfigException;
import io.fanout.plan.CompiledConfig;
import io.fanout.store.ConfigStore;
import io.fanout.store.StartupConfigReader;
import io.fanout.store.StoredConfig;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config a database-mode instance starts with (SPEC §3): the database is the source of truth, so the latest
 * stored version is compiled; only an empty database takes {@code fanout.config} (validated first) as version 1.
 */
public final class DatabaseStartup implements InitialConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseStartup.class);

    private final StartupConfigReader reader;

    public DatabaseStartup(StartupConfigReader reader) {
        this.reader = reader;
    }

    /**
     * Reads (or imports) and compiles the version to serve first.
     *
     * @param file {@code fanout.config}; null imports an empty config into an empty database
     * @throws InvalidConfigException when the file to import, or the latest stored version, does not compile
     */
    @Override
    public CompiledConfig initial(@Nullable Path file, ConfigPipeline pipeline) {
        boolean[] imported = {false};
        StoredConfig stored = reader.latestOrImport(
                () -> {
                    imported[0] = true;
                    return importable(file, pipeline);
                },
                ConfigStore.IMPORT_AUTHOR,
                file == null
                        ? "first start without fanout.config: empty config"
                        : "imported " + file + " at first start");
        if (imported[0]) {
            log.info(
                    "empty database: config version {} imported from {}",
                    stored.version(),
                    file == null ? "(no fanout.config: empty config)" : file);
        } else if (file != null) {
            log.info("fanout.config {} not used: the database holds config version {}", file, stored.version());
        }
        CompiledConfig compiled = pipeline.load(stored.document(), stored.version(), null);
        log.info(
                "config version {} loaded from the database: {} upstreams, {} endpoints",
                stored.version(),
                compiled.upstreams().size(),
                compiled.endpoints().size());
        return compiled;
    }

    /** The file's document as written, after checking that it compiles: an invalid file is never imported. */
    private static Map<String, Object> importable(@Nullable Path file, ConfigPipeline pipeline) {
        return pipeline.validate(file == null ? null : ConfigPipeline.read(file))
                .requireValid()
                .document();
    }
}
