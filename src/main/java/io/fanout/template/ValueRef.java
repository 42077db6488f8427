package io.fanout.template;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeType;

/** A compiled reference: knows where to read its value and how to turn it into text. */
public abstract sealed class ValueRef
        permits ValueRef.PathVar, ValueRef.Query, ValueRef.Header, ValueRef.Json, ValueRef.Client, ValueRef.Claim {

    final String text;
    final @Nullable String defaultValue;

    ValueRef(TemplateRef ref) {
        this.text = ref.text();
        this.defaultValue = ref.defaultValue();
    }

    /** The reference as written, for messages. */
    public String text() {
        return text;
    }

    /** The value as text, the default when missing, or null when missing without a default. */
    final @Nullable String resolveText(TemplateScope scope) {
        String v = resolveRaw(scope);
        return v != null ? v : defaultValue;
    }

    /** The value as JSON (for body templates), or null when missing and without default. */
    @Nullable
    Object resolveJson(TemplateScope scope) {
        String v = resolveRaw(scope);
        return v != null ? v : defaultValue;
    }

    abstract @Nullable String resolveRaw(TemplateScope scope);

    /** {@code {path.X}}: the endpoint path variable at {@code index}. */
    public static ValueRef pathVariable(TemplateRef ref, int index) {
        return new PathVar(ref, index);
    }

    /** {@code {query.X}}: a client query parameter. */
    public static ValueRef queryParameter(TemplateRef ref, String name) {
        return new Query(ref, name);
    }

    /** {@code {header.X}}: a client request header (any case). */
    public static ValueRef header(TemplateRef ref, String name) {
        return new Header(ref, name.toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code {body.a.b}}: a field of the client's JSON body. */
    public static ValueRef body(TemplateRef ref) {
        return new Json(ref, Json.BODY, ref.path());
    }

    /** {@code {item.a}}: a field of the current for-each element. */
    public static ValueRef item(TemplateRef ref) {
        return new Json(ref, Json.ITEM, ref.path());
    }

    /** {@code {CALL.a.b}}: a field of the whole body of the call at {@code callIndex}. */
    public static ValueRef call(TemplateRef ref, int callIndex) {
        return new Json(ref, callIndex, ref.path());
    }

    /** {@code {client.id}} or {@code {client.plan}}: who is calling. */
    public static ValueRef client(TemplateRef ref, boolean plan) {
        return new Client(ref, plan);
    }

    /** {@code {claims.a.b}}: a claim of the caller's verified token. */
    public static ValueRef claim(TemplateRef ref) {
        return new Claim(ref, ref.path());
    }

    /** Whether this reads who is calling, which only a live request with {@code auth} knows. */
    public boolean readsClient() {
        return this instanceof Client || this instanceof Claim;
    }

    /** Whether this reads the client's body (so the engine must parse it). */
    public boolean readsBody() {
        return this instanceof Json j && j.sourceIndex == Json.BODY;
    }

    static final class PathVar extends ValueRef {
        private final int index;

        PathVar(TemplateRef ref, int index) {
            super(ref);
            this.index = index;
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            return scope.pathVariable(index);
        }
    }

    static final class Query extends ValueRef {
        private final String name;

        Query(TemplateRef ref, String name) {
            super(ref);
            this.name = name;
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            return scope.queryParameter(name);
        }
    }

    static final class Header extends ValueRef {
        private final String lowerName;

        Header(TemplateRef ref, String lowerName) {
            super(ref);
            this.lowerName = lowerName;
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            return scope.header(lowerName);
        }
    }

    /** A field of a JSON document: the client body, a call's body or the for-each item. */
    static final class Json extends ValueRef {
        /** -1 body, -2 item, else a call index. */
        private final int sourceIndex;

        private final String[] path;

        static final int BODY = -1;
        static final int ITEM = -2;

        Json(TemplateRef ref, int sourceIndex, List<String> path) {
            super(ref);
            this.sourceIndex = sourceIndex;
            this.path = path.toArray(String[]::new);
        }

        boolean isCall() {
            return sourceIndex >= 0;
        }

        int callIndex() {
            return sourceIndex;
        }

        @Nullable
        JsonNode node(TemplateScope scope) {
            JsonNode n = sourceIndex == BODY
                    ? scope.body()
                    : sourceIndex == ITEM ? scope.item() : scope.callBody(sourceIndex);
            for (int i = 0; n != null && i < path.length; i++) {
                n = n.isArray() ? arrayElement(n, path[i]) : n.get(path[i]);
            }
            return n == null || n.isNull() || n.isMissingNode() ? null : n;
        }

        private static @Nullable JsonNode arrayElement(JsonNode array, String segment) {
            int idx;
            try {
                idx = Integer.parseInt(segment);
            } catch (NumberFormatException e) {
                return null;
            }
            return array.get(idx);
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            JsonNode n = node(scope);
            if (n == null) {
                return null;
            }
            JsonNodeType t = n.getNodeType();
            if (t == JsonNodeType.OBJECT || t == JsonNodeType.ARRAY) {
                throw new CallFailure(
                        ErrorType.BAD_TEMPLATE_VALUE,
                        text + " is " + (t == JsonNodeType.OBJECT ? "an object" : "an array") + ", not a single value");
            }
            return n.asString();
        }

        @Override
        @Nullable
        Object resolveJson(TemplateScope scope) {
            JsonNode n = node(scope);
            return n != null ? n : defaultValue;
        }
    }

    static final class Client extends ValueRef {
        private final boolean plan;

        Client(TemplateRef ref, boolean plan) {
            super(ref);
            this.plan = plan;
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            ClientIdentity client = scope.client();
            return client == null ? null : plan ? client.plan() : client.id();
        }
    }

    /** A claim: strings, numbers and booleans are values; an object or array is {@code bad-template-value}. */
    static final class Claim extends ValueRef {
        private final String[] path;

        Claim(TemplateRef ref, List<String> path) {
            super(ref);
            this.path = path.toArray(String[]::new);
        }

        private @Nullable Object value(TemplateScope scope) {
            ClientIdentity client = scope.client();
            Object v = client == null ? null : client.claim(path);
            if (v instanceof java.util.Map<?, ?> || v instanceof java.util.Collection<?>) {
                throw new CallFailure(
                        ErrorType.BAD_TEMPLATE_VALUE,
                        text + " is " + (v instanceof java.util.Map<?, ?> ? "an object" : "an array")
                                + ", not a single value");
            }
            return v;
        }

        @Override
        @Nullable
        String resolveRaw(TemplateScope scope) {
            Object v = value(scope);
            return v == null ? null : v.toString();
        }

        @Override
        @Nullable
        Object resolveJson(TemplateScope scope) {
            Object v = value(scope);
            if (v == null) {
                return defaultValue;
            }
            if (v instanceof Boolean b) {
                return tools.jackson.databind.node.JsonNodeFactory.instance.booleanNode(b);
            }
            if (v instanceof Number n) {
                return tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(
                        new java.math.BigDecimal(n.toString()));
            }
            return v.toString();
        }
    }
}
