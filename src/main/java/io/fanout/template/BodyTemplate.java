package io.fanout.template;

import io.fanout.json.JsonCodec;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * A compiled JSON body template. A string that is exactly one reference keeps the referenced value's JSON type;
 * {@code "{body}"} as the whole body forwards the client's body unchanged.
 */
public abstract sealed class BodyTemplate {

    /** Renders the body to bytes. */
    public byte[] render(TemplateScope scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JsonCodec.MAPPER.createGenerator(out)) {
            write(scope, g);
        }
        return out.toByteArray();
    }

    abstract void write(TemplateScope scope, JsonGenerator g);

    static final class WholeBody extends BodyTemplate {
        @Override
        public byte[] render(TemplateScope scope) {
            byte[] raw = scope.rawBody();
            if (raw == null) {
                throw new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, "{body} is forwarded but the request has no body");
            }
            return raw;
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            JsonNode body = scope.body();
            if (body == null) {
                g.writeNull();
            } else {
                g.writeTree(body);
            }
        }
    }

    static final class Constant extends BodyTemplate {
        private final @Nullable Object value;

        Constant(@Nullable Object value) {
            this.value = value;
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            g.writePOJO(value);
        }
    }

    static final class Text extends BodyTemplate {
        private final TextTemplate template;

        Text(TextTemplate template) {
            this.template = template;
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            StringBuilder sb = new StringBuilder();
            if (!template.render(scope, TextTemplate.Place.PLAIN, sb)) {
                g.writeNull();
            } else {
                g.writeString(sb.toString());
            }
        }
    }

    static final class Ref extends BodyTemplate {
        private final ValueRef ref;

        Ref(ValueRef ref) {
            this.ref = ref;
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            Object v = ref.resolveJson(scope);
            if (v == null) {
                g.writeNull();
            } else if (v instanceof JsonNode n) {
                g.writeTree(n);
            } else {
                g.writeString((String) v);
            }
        }
    }

    static final class Obj extends BodyTemplate {
        private final String[] keys;
        private final BodyTemplate[] values;

        Obj(Map<String, BodyTemplate> fields) {
            this.keys = fields.keySet().toArray(String[]::new);
            this.values = fields.values().toArray(BodyTemplate[]::new);
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            g.writeStartObject();
            for (int i = 0; i < keys.length; i++) {
                g.writeName(keys[i]);
                values[i].write(scope, g);
            }
            g.writeEndObject();
        }
    }

    static final class Arr extends BodyTemplate {
        private final BodyTemplate[] values;

        Arr(List<BodyTemplate> values) {
            this.values = values.toArray(BodyTemplate[]::new);
        }

        @Override
        void write(TemplateScope scope, JsonGenerator g) {
            g.writeStartArray();
            for (BodyTemplate v : values) {
                v.write(scope, g);
            }
            g.writeEndArray();
        }
    }
}
