package io.fanout.engine;

import io.fanout.json.JsonCodec;
import io.fanout.template.ClientIdentity;
import io.fanout.template.TemplateScope;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What the templates of one request may read: the client's input (its body parsed on first use) and the parsed
 * bodies of the calls that other calls reference, kept as they complete. Confined to the request's run.
 */
final class RequestScope implements TemplateScope {

    private final RequestInput input;
    private final @Nullable JsonNode[] trees;
    private @Nullable JsonNode parsedBody;
    private boolean bodyParsed;

    RequestScope(RequestInput input, int calls) {
        this.input = input;
        this.trees = new JsonNode[calls];
    }

    /** Keeps a referenced call's parsed body for the calls that read it. */
    void keep(int call, JsonNode tree) {
        trees[call] = tree;
    }

    /** The scope of one for-each element: this one plus {@code item}. */
    TemplateScope withItem(JsonNode item) {
        return new ItemScope(this, item);
    }

    @Override
    public String pathVariable(int index) {
        return input.pathVariables()[index];
    }

    @Override
    public @Nullable String queryParameter(String name) {
        return input.queryParameter().apply(name);
    }

    @Override
    public @Nullable String header(String lowerCaseName) {
        return input.header().apply(lowerCaseName);
    }

    @Override
    public @Nullable JsonNode body() {
        if (!bodyParsed) {
            byte[] raw = input.body();
            parsedBody = raw == null || raw.length == 0 ? null : JsonCodec.readTree(raw);
            bodyParsed = true;
        }
        return parsedBody;
    }

    @Override
    public byte @Nullable [] rawBody() {
        return input.body();
    }

    @Override
    public @Nullable JsonNode callBody(int callIndex) {
        return trees[callIndex];
    }

    @Override
    public @Nullable JsonNode item() {
        return null;
    }

    @Override
    public @Nullable ClientIdentity client() {
        return input.client();
    }

    private record ItemScope(RequestScope parent, JsonNode item) implements TemplateScope {
        @Override
        public String pathVariable(int index) {
            return parent.pathVariable(index);
        }

        @Override
        public @Nullable String queryParameter(String name) {
            return parent.queryParameter(name);
        }

        @Override
        public @Nullable String header(String lowerCaseName) {
            return parent.header(lowerCaseName);
        }

        @Override
        public @Nullable JsonNode body() {
            return parent.body();
        }

        @Override
        public byte @Nullable [] rawBody() {
            return parent.rawBody();
        }

        @Override
        public @Nullable JsonNode callBody(int callIndex) {
            return parent.callBody(callIndex);
        }

        @Override
        public @Nullable ClientIdentity client() {
            return parent.client();
        }
    }
}
