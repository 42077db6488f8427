package io.fanout.admin;

import io.fanout.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/** Renders config documents (generic trees, secrets as written) as YAML or JSON. */
final class ConfigDocuments {

    private static final DumpSettings YAML = DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setIndent(2)
            .build();

    private ConfigDocuments() {}

    static byte[] yaml(Object document) {
        return new Dump(YAML).dumpToString(document).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(Object document) {
        return JsonCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    }

    static Map<String, Object> section(Map<String, Object> document, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) document.getOrDefault(key, Map.of());
        return m;
    }
}
