package io.fanout.config;

import io.fanout.web.auth.Authentication;
import io.fanout.web.auth.BearerTokenAuthenticator;
import java.security.Principal;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.ReactiveHealthEndpointWebExtension;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/health} shows anonymous callers the status only and the admin token's holder the details (SPEC
 * §6): the database, circuit states and the config version are an attacker's map of the deployment.
 *
 * <p>Boot shows details "when authorized" only to a caller with a principal, which it takes from Spring Security;
 * Fanout has no Spring Security, so a filter checks the admin bearer token on the health paths and marks the request
 * in the Reactor context, and the health extension reads that mark as an authorized caller. Probes
 * ({@code /actuator/health/liveness}, {@code /readiness}) answer their status code and status either way.
 */
@Configuration(proxyBeanMethods = false)
class HealthDetailsConfiguration {

    /** The Reactor context key of a request that carried a valid admin token. */
    static final String ADMIN_CALLER = HealthDetailsConfiguration.class.getName() + ".admin";

    @Bean
    AdminHealthExtension adminAwareHealthExtension(
            ReactiveHealthContributorRegistry registry,
            ObjectProvider<HealthContributorRegistry> blockingRegistry,
            HealthEndpointGroups groups,
            Environment environment) {
        Duration slow = environment.getProperty(
                "management.endpoint.health.logging.slow-indicator-threshold", Duration.class, Duration.ofSeconds(10));
        return new AdminHealthExtension(registry, blockingRegistry.getIfAvailable(), groups, slow);
    }

    @Bean
    WebFilter healthDetailsFilter(Environment environment) {
        return new HealthDetailsFilter(BearerTokenAuthenticator.admin(environment));
    }

    /** Boot's reactive health extension, with the admin token standing in for an authenticated principal. */
    @EndpointWebExtension(endpoint = HealthEndpoint.class)
    static final class AdminHealthExtension extends ReactiveHealthEndpointWebExtension {

        private static final Principal ADMIN = () -> BearerTokenAuthenticator.DEFAULT_NAME;

        private static final SecurityContext ADMIN_CONTEXT = new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return ADMIN;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false; // roles are not used: show-details is when-authorized without roles
            }
        };

        AdminHealthExtension(
                ReactiveHealthContributorRegistry registry,
                @Nullable HealthContributorRegistry blockingRegistry,
                HealthEndpointGroups groups,
                Duration slowIndicatorLoggingThreshold) {
            super(registry, blockingRegistry, groups, slowIndicatorLoggingThreshold);
        }

        @Override
        public Mono<WebEndpointResponse<? extends HealthDescriptor>> health(
                ApiVersion apiVersion,
                WebServerNamespace serverNamespace,
                SecurityContext securityContext,
                boolean showAll,
                String... path) {
            return Mono.deferContextual(context -> super.health(
                    apiVersion,
                    serverNamespace,
                    context.hasKey(ADMIN_CALLER) ? ADMIN_CONTEXT : securityContext,
                    showAll,
                    path));
        }
    }

    /** Marks health requests that carry a valid admin token; anything else stays anonymous (never a 401 here). */
    static final class HealthDetailsFilter implements WebFilter, Ordered {

        private final BearerTokenAuthenticator auth;

        HealthDetailsFilter(BearerTokenAuthenticator auth) {
            this.auth = auth;
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            String path =
                    exchange.getRequest().getPath().pathWithinApplication().value();
            if (!(path.equals("/actuator/health") || path.startsWith("/actuator/health/"))) {
                return chain.filter(exchange);
            }
            String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            if (auth.check(authorization).status() != Authentication.Status.AUTHENTICATED) {
                return chain.filter(exchange);
            }
            return chain.filter(exchange).contextWrite(context -> context.put(ADMIN_CALLER, Boolean.TRUE));
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE + 10;
        }
    }
}
