package io.fanout.tooling.openapi;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.List;

/** Small builders over swagger-core's models, so the API descriptions read as lists of what exists. */
final class Operations {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    private Operations() {}

    static Operation operation(String tag, String id, String summary) {
        return new Operation().addTagsItem(tag).operationId(id).summary(summary).responses(new ApiResponses());
    }

    static Operation secured(Operation operation, String scheme) {
        return operation.addSecurityItem(new SecurityRequirement().addList(scheme));
    }

    static Parameter path(String name, String description) {
        return new Parameter()
                .in("path")
                .name(name)
                .required(true)
                .description(description)
                .schema(string());
    }

    static Parameter query(String name, String type, String description) {
        return new Parameter()
                .in("query")
                .name(name)
                .required(false)
                .description(description)
                .schema(schema(type));
    }

    static Parameter header(String name, String description) {
        return new Parameter()
                .in("header")
                .name(name)
                .required(false)
                .description(description)
                .schema(string());
    }

    static Schema<Object> ref(String component) {
        return new JsonSchema().$ref("#/components/schemas/" + component);
    }

    /** Content of one schema in each of {@code mediaTypes}. */
    static Content content(Schema<?> schema, String... mediaTypes) {
        Content content = new Content();
        for (String type : mediaTypes) {
            content.addMediaType(type, new MediaType().schema(schema));
        }
        return content;
    }

    static Content json(Schema<?> schema) {
        return content(schema, "application/json");
    }

    static RequestBody body(Content content, boolean required) {
        return new RequestBody().content(content).required(required);
    }

    static ApiResponse ok(String description, Content content) {
        return new ApiResponse().description(description).content(content);
    }

    static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(ref(PROBLEM))));
    }

    static ApiResponse withHeader(ApiResponse response, String name, String description) {
        response.addHeaderObject(name, new Header().description(description).schema(string()));
        return response;
    }

    /** Adds problem answers (RFC 9457): a status, then why, for each. */
    static Operation problems(Operation operation, String... statusThenWhy) {
        for (int i = 0; i < statusThenWhy.length; i += 2) {
            operation.getResponses().addApiResponse(statusThenWhy[i], problem(statusThenWhy[i + 1]));
        }
        return operation;
    }

    /** A JSON Schema (OpenAPI 3.1) of one type. */
    static Schema<Object> schema(String type) {
        Schema<Object> s = new JsonSchema();
        s.addType(type);
        return s;
    }

    static Schema<Object> object() {
        return schema("object");
    }

    static Schema<Object> string() {
        return schema("string");
    }

    static Schema<Object> stringEnum(List<String> values) {
        Schema<Object> s = string();
        values.forEach(s::addEnumItemObject);
        return s;
    }
}
