package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.engine.ActiveConfig;
import io.fanout.store.ConfigChangeListener;
import io.fanout.store.ConfigStore;
import io.fanout.store.DatabaseModeCondition;
import io.fanout.store.StartupConfigReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Database mode's start ({@link InitialConfig}), config applier and {@link ConfigSource}; without a database none of
 * this exists (file mode's are wired with the config file, in {@code io.fanout.config}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DatabaseModeCondition.class)
class ReloadConfiguration {

    @Bean
    DatabaseStartup databaseStartup(StartupConfigReader reader) {
        return new DatabaseStartup(reader);
    }

    @Bean
    ConfigApplier configApplier(
            ActiveConfig active, ConfigPipeline pipeline, ConfigStore store, ConfigChangeListener listener) {
        return new ConfigApplier(active, pipeline, store, listener);
    }

    @Bean
    DatabaseConfigSource databaseConfigSource(ConfigStore store, ConfigApplier applier, ConfigPipeline pipeline) {
        return new DatabaseConfigSource(store, applier, pipeline);
    }
}
