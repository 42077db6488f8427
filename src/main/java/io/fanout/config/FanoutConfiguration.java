package io.fanout.config;

import io.fanout.admin.AdminRoutes;
import io.fanout.admission.Admission;
import io.fanout.admission.AdmissionGate;
import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.UpstreamClientFactory;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;
import io.fanout.observe.RequestObserver;
import io.fanout.plan.CompiledConfig;
import io.fanout.reload.ConfigSource;
import io.fanout.reload.FileConfigSource;
import io.fanout.reload.FileStartup;
import io.fanout.reload.InitialConfig;
import io.fanout.store.DatabaseMode;
import io.fanout.store.FileModeCondition;
import io.fanout.upstream.http.UpstreamEventLoops;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.fanout.upstream.transport.UpstreamTransports;
import io.fanout.web.CompositeGuard;
import io.fanout.web.WebRoutes;
import io.fanout.web.auth.BearerTokenAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Assembles Fanout: compiler, the active config (from {@code fanout.config}, or in database mode from the latest
 * stored version), engine and routes.
 */
@Configuration(proxyBeanMethods = false)
class FanoutConfiguration {

    /** The HTTP upstream clients' event loops: {@code fanout.upstream.event-loops} ({@code shared} or a number). */
    @Bean(destroyMethod = "dispose")
    UpstreamEventLoops upstreamEventLoops(Environment environment) {
        return UpstreamEventLoops.of(environment.getProperty(UpstreamEventLoops.PROPERTY, "shared"));
    }

    @Bean
    UpstreamClientFactory upstreamClientFactory(MeterRegistry registry, UpstreamEventLoops loops) {
        // the resilience layer bounds every attempt, so the transport does not time it a second time
        return upstream -> new ResilientUpstreamClient(
                UpstreamTransports.withPolicyDefaults(upstream),
                UpstreamTransports.transport(upstream, false, loops),
                registry);
    }

    /**
     * The config pipeline. In database mode configs arrive over the admin API, so {@code ${NAME}} may only name
     * variables allowed by {@code fanout.config.env-allow} (SPEC §7); in file mode any but Fanout's own.
     */
    @Bean
    ConfigPipeline configPipeline(UpstreamClientFactory clients, MeterRegistry registry, Environment environment) {
        ConfigEnvironment variables = DatabaseMode.isConfigured(environment)
                ? ConfigEnvironment.databaseMode(
                        System::getenv, environment.getProperty(ConfigEnvironment.ALLOW_PROPERTY))
                : ConfigEnvironment.fileMode(System::getenv);
        return new ConfigPipeline(clients, registry, variables);
    }

    @Bean(destroyMethod = "close")
    ActiveConfig activeConfig(FanoutProperties properties, ConfigPipeline pipeline, InitialConfig initial) {
        // file mode: fanout.config; database mode: the latest stored version (fanout.config only seeds an empty one)
        CompiledConfig compiled = initial.initial(properties.config(), pipeline);
        return new ActiveConfig(compiled, properties.warmUp());
    }

    /**
     * Warms the first version's upstreams when the context starts (phase 0: before the web server accepts
     * requests), without delaying start-up; the work belongs to {@link ActiveConfig}, whose close cancels it.
     */
    @Bean
    SmartLifecycle activeConfigWarmUp(ActiveConfig active) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
                active.warmUpCurrent();
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return 0;
            }
        };
    }

    /**
     * Composite endpoints have their own timers ({@code fanout.requests}, {@code fanout.calls}) by endpoint and
     * outcome; WebFlux's generic {@code http.server.requests} observation on top of them cost ~5 % of CPU per
     * request (docs/benchmarks.md), so it is kept for Fanout's own APIs only.
     */
    @Bean
    ObservationPredicate serverObservationsForOwnApisOnly() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server)
                || WebRoutes.isOwnApi(
                        server.getCarrier().getPath().pathWithinApplication().value());
    }

    @Bean
    Engine engine(ObjectProvider<RequestObserver> observer) {
        // io.fanout.observe: spans, access log and overhead metric of every request and job item
        return new Engine(observer.getIfAvailable(() -> RequestObserver.NONE));
    }

    @Bean
    RouterFunction<ServerResponse> fanoutRoutes(
            ActiveConfig active,
            Engine engine,
            FanoutProperties properties,
            Environment environment,
            ConfigSource source,
            Admission admission,
            ObjectProvider<CompositeGuard> edge) {
        return new AdminRoutes(active, BearerTokenAuthenticator.admin(environment), source)
                .routes()
                .and(WebRoutes.create(
                        active, engine, properties.maxRequestBody().toBytes(), admission, edge.getIfAvailable()));
    }

    /** Tells the admission gate (in the Netty pipeline) which requests are composite requests that meet it first. */
    @Bean
    AdmissionGate.Requests admissionGateRequests(ActiveConfig active, ObjectProvider<CompositeGuard> edge) {
        return WebRoutes.admissionGate(active, edge.getIfAvailable());
    }

    /** File mode's start and config source: the file's config, dry runs only (database mode's are in {@code reload}). */
    @Configuration(proxyBeanMethods = false)
    @Conditional(FileModeCondition.class)
    static class FileMode {

        @Bean
        FileStartup fileStartup() {
            return new FileStartup();
        }

        @Bean
        FileConfigSource fileConfigSource(ActiveConfig active, ConfigPipeline pipeline, FanoutProperties properties) {
            return new FileConfigSource(
                    active,
                    pipeline,
                    properties.config() == null
                            ? "(no file)"
                            : properties.config().toString());
        }
    }
}
