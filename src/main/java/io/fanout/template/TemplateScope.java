package io.fanout.template;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** What a template can read while one request runs; implemented by the engine's per-request state. */
public interface TemplateScope {

    /** The decoded value of the endpoint path variable at {@code index} (declaration order in the route). */
    String pathVariable(int index);

    /** The first value of a client query parameter, or null. */
    @Nullable
    String queryParameter(String name);

    /** The first value of a client request header (name in lower case), or null. */
    @Nullable
    String header(String lowerCaseName);

    /** The client's JSON body, or null when there is none. */
    @Nullable
    JsonNode body();

    /** The raw client body bytes, or null when there is none. */
    byte @Nullable [] rawBody();

    /** The parsed upstream body of a completed call, or null when that call has no body. */
    @Nullable
    JsonNode callBody(int callIndex);

    /** The current element of a for-each, or null outside one. */
    @Nullable
    JsonNode item();

    /** Who is calling ({@code {client.*}}, {@code {claims.*}}), or null on endpoints without {@code auth}. */
    default @Nullable ClientIdentity client() {
        return null;
    }
}
