package io.fanout.tooling;

import io.fanout.engine.ActiveConfig;
import io.fanout.tooling.openapi.ApiDocs;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The documentation routes, without a token (SPEC §10): the config's JSON Schema at {@value ConfigSchema#PATH} and
 * the OpenAPI document at {@value ApiDocs#PATH} (JSON) and {@code /v3/api-docs.yaml}. Ordered before the admin routes
 * so their bearer-token filter never sees these paths; Swagger UI itself is springdoc's.
 */
@Configuration(proxyBeanMethods = false)
class ToolingConfiguration {

    static final MediaType SCHEMA_JSON = MediaType.parseMediaType("application/schema+json");
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    @Bean
    ApiDocs apiDocs(ActiveConfig active) {
        String version = ToolingConfiguration.class.getPackage().getImplementationVersion();
        return new ApiDocs(active, version == null ? "dev" : version);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    RouterFunction<ServerResponse> toolingRoutes(ApiDocs docs) {
        byte[] schema = ConfigSchema.json().getBytes(StandardCharsets.UTF_8);
        return RouterFunctions.route()
                .GET(
                        ConfigSchema.PATH,
                        r -> ServerResponse.ok().contentType(SCHEMA_JSON).bodyValue(schema))
                .GET(
                        ApiDocs.PATH,
                        r -> docs.document(false)
                                .flatMap(body -> ServerResponse.ok()
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(body)))
                .route(
                        RequestPredicates.GET(ApiDocs.PATH + ".yaml"),
                        r -> docs.document(true)
                                .flatMap(body ->
                                        ServerResponse.ok().contentType(YAML).bodyValue(body)))
                .build();
    }
}
