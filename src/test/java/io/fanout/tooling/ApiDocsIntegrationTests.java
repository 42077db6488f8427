package io.fanout.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.json.JsonCodec;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * The documentation routes over HTTP in file mode (BlockHound installed): the schema and the OpenAPI document without
 * a token, the composite endpoints of whatever config is active, Swagger UI.
 */
class ApiDocsIntegrationTests extends FanoutIntegrationTests {

    private static final String OVERVIEW = """
            upstreams:
              users: { url: "${A}" }
              orders: { url: "${B}" }
            endpoints:
              user-overview:
                path: /v1/users/{id}/overview
                forward-headers: [Accept-Language]
                calls:
                  user: { upstream: users, path: "/users/{path.id}", headers: { X-Tenant: "{header.X-Tenant}" } }
                  orders:
                    upstream: orders
                    path: /orders
                    query: { userId: "{path.id}", limit: "{query.limit|10}" }
                    required: false
            """;

    @Test
    void shouldServeTheConfigSchemaWithoutAToken() {
        String body = client.get()
                .uri(ConfigSchema.PATH)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("application/schema+json")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).isEqualTo(ConfigSchema.json());
    }

    @Test
    void shouldStillGuardTheRestOfTheAdminApi() {
        client.get().uri("/admin/config").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void shouldDescribeEveryCompositeEndpointWithTheInputsItsTemplatesRead() {
        install(OVERVIEW);

        JsonNode doc = apiDocs();

        assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
        JsonNode get = doc.at("/paths/~1v1~1users~1{id}~1overview/get");
        assertThat(get.isMissingNode())
                .as(doc.get("paths").propertyNames().toString())
                .isFalse();
        assertThat(get.get("parameters")
                        .valueStream()
                        .map(p -> p.get("in").asString() + ":" + p.get("name").asString())
                        .toList())
                .containsExactly(
                        "path:id", "query:limit", "header:x-tenant", "header:accept-language", "header:X-Request-Id");
        JsonNode envelope = doc.at("/components/schemas/Envelope.user-overview/properties");
        assertThat(envelope.get("data").get("properties").propertyNames()).containsExactly("user", "orders");
        assertThat(envelope.has("errors")).isTrue();
        assertThat(envelope.has("meta")).isTrue();
        assertThat(get.get("responses").propertyNames()).contains("200", "404", "502", "503", "504");
        assertThat(get.at("/responses/200/content").propertyNames())
                .contains("application/json", "application/x-ndjson", "text/event-stream");
        assertThat(doc.at("/components/schemas/CallError/properties/type/enum")
                        .valueStream()
                        .map(JsonNode::asString)
                        .toList())
                .contains("timeout", "deadline-exceeded", "cancelled");
    }

    @Test
    void shouldDescribeTheAdminAndJobsApisWithTheirTokens() {
        install(OVERVIEW);

        JsonNode doc = apiDocs();

        assertThat(doc.get("paths").propertyNames())
                .contains(
                        "/admin/config",
                        "/admin/config/versions",
                        "/admin/upstreams/{name}",
                        "/admin/endpoints/{name}",
                        "/admin/upstreams/{name}/status",
                        "/jobs",
                        "/jobs/{id}",
                        "/jobs/{id}/results",
                        "/jobs/{id}/events",
                        ConfigSchema.PATH);
        assertThat(doc.at("/paths/~1admin~1config/put/security/0").has("adminToken"))
                .isTrue();
        assertThat(doc.at("/paths/~1admin~1config/put/responses").propertyNames())
                .contains("200", "401", "403", "409", "412", "422");
        assertThat(doc.at("/paths/~1jobs/post/security/0").has("jobsToken")).isTrue();
        assertThat(doc.at("/paths/~1admin~1config~1schema/get").has("security")).isFalse();
        assertThat(doc.at("/components/schemas/Config/properties").propertyNames())
                .contains("upstreams", "endpoints");
    }

    @Test
    void shouldRegenerateTheDocumentWhenTheConfigChanges() {
        install(OVERVIEW);
        JsonNode before = apiDocs();

        install(OVERVIEW.replace("user-overview:", "account:")
                .replace("/v1/users/{id}/overview", "/v2/accounts/{accountId}")
                .replace("{path.id}", "{path.accountId}"));
        JsonNode after = apiDocs();

        assertThat(before.get("paths").has("/v1/users/{id}/overview")).isTrue();
        assertThat(after.get("paths").has("/v1/users/{id}/overview")).isFalse();
        assertThat(after.at("/paths/~1v2~1accounts~1{accountId}/get/parameters/0/name")
                        .asString())
                .isEqualTo("accountId");
    }

    @Test
    void shouldServeTheDocumentAsYamlToo() {
        install(OVERVIEW);

        String yaml = client.get()
                .uri("/v3/api-docs.yaml")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(yaml).contains("openapi: 3.1.0", "/v1/users/{id}/overview:");
    }

    @Test
    void shouldServeSwaggerUiPointingAtTheDocument() {
        install(OVERVIEW);

        client.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        String config = client.get()
                .uri("/v3/api-docs/swagger-config")
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(config).contains("/v3/api-docs");
    }

    private JsonNode apiDocs() {
        byte[] body = client.get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .returnResult()
                .getResponseBody();
        assertThat(body).isNotNull();
        return JsonCodec.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
    }
}
