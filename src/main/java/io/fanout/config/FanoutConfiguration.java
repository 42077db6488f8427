package io.fanout.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.admin.AdminAuth;
import io.fanout.admin.AdminRoutes;
import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.UpstreamClientFactory;
import io.fanout.edge.EdgeGuard;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;
import io.fanout.plan.CompiledConfig;
import io.fanout.reload.ConfigApplier;
import io.fanout.reload.DatabaseStartup;
import io.fanout.store.ConfigStore;
import io.fanout.store.DatabaseMode;
import io.fanout.upstream.transport.UpstreamTransports;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.fanout.web.WebRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;

/**
 * Assembles Fanout: compiler, the active config (from {@code fanout.config}, or in database mode from the latest
 * stored version), engine and routes.
 */
@Configuration(proxyBeanMethods = false)
class FanoutConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FanoutConfiguration.class);

    @Bean
    UpstreamClientFactory upstreamClientFactory(MeterRegistry registry) {
        // the resilience layer bounds every attempt, so the transport does not time it a second time
        return upstream -> new ResilientUpstreamClient(UpstreamTransports.withPolicyDefaults(upstream),
                UpstreamTransports.transport(upstream, false), registry);
    }

    /**
     * The config pipeline. In database mode configs arrive over the admin API, so {@code ${NAME}} may only name
     * variables allowed by {@code fanout.config.env-allow} (SPEC §7); in file mode any but Fanout's own.
     */
    @Bean
    ConfigPipeline configPipeline(UpstreamClientFactory clients, MeterRegistry registry, Environment environment) {
        ConfigEnvironment variables = DatabaseMode.isConfigured(environment)
                ? ConfigEnvironment.databaseMode(System::getenv,
                        environment.getProperty(ConfigEnvironment.ALLOW_PROPERTY))
                : ConfigEnvironment.fileMode(System::getenv);
        return new ConfigPipeline(clients, registry, variables);
    }

    @Bean(destroyMethod = "close")
    ActiveConfig activeConfig(FanoutProperties properties, ConfigPipeline pipeline,
                              ObjectProvider<DatabaseStartup> database) {
        DatabaseStartup fromDatabase = database.getIfAvailable();
        CompiledConfig compiled;
        if (fromDatabase != null) {
            // database mode: the latest stored version; fanout.config only seeds an empty database
            compiled = fromDatabase.initial(properties.config(), pipeline);
        } else {
            Object document = null;
            if (properties.config() == null) {
                log.warn("no fanout.config given: starting with no endpoints (pass --fanout.config=<file>)");
            } else {
                document = ConfigPipeline.read(properties.config());
            }
            compiled = pipeline.load(document, 1, null);
            log.info("config {} loaded: {} upstreams, {} endpoints", properties.config() == null ? "(none)"
                    : properties.config(), compiled.upstreams().size(), compiled.endpoints().size());
        }
        ActiveConfig active = new ActiveConfig(compiled, properties.warmUp());
        if (properties.warmUp()) {
            // asynchronous: started before the server accepts requests, never delays start-up
            compiled.warmUp().subscribe();
        }
        return active;
    }

    /**
     * Composite endpoints have their own timers ({@code fanout.requests}, {@code fanout.calls}) by endpoint and
     * outcome; WebFlux's generic {@code http.server.requests} observation on top of them cost ~5 % of CPU per
     * request (docs/benchmarks.md), so it is kept for Fanout's own APIs only.
     */
    @Bean
    ObservationPredicate serverObservationsForOwnApisOnly() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server)
                || WebRoutes.isOwnApi(server.getCarrier().getPath().pathWithinApplication().value());
    }

    @Bean
    Engine engine() {
        return new Engine();
    }

    @Bean
    RouterFunction<ServerResponse> fanoutRoutes(ActiveConfig active, Engine engine, FanoutProperties properties,
                                                Environment environment, ConfigPipeline pipeline,
                                                ObjectProvider<ConfigStore> store,
                                                ObjectProvider<ConfigApplier> applier,
                                                ObjectProvider<EdgeGuard> edge) {
        AdminAuth auth = AdminAuth.fromEnvironment(environment);
        String source = properties.config() == null ? "(no file)" : properties.config().toString();
        return new AdminRoutes(active, auth, source, pipeline, store.getIfAvailable(), applier.getIfAvailable())
                .routes()
                .and(WebRoutes.create(active, engine, properties.maxRequestBody().toBytes(), edge.getIfAvailable()));
    }
}
