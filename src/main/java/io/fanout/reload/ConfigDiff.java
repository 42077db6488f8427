package io.fanout.reload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The upstreams and endpoints one config document adds, changes and removes relative to another. */
final class ConfigDiff {

    private static final List<String> SECTIONS = List.of("upstreams", "endpoints");

    private ConfigDiff() {}

    static Map<String, Object> sections(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String section : SECTIONS) {
            changes.put(section, differences(section(before, section), section(after, section)));
        }
        return changes;
    }

    private static Map<String, List<String>> differences(Map<?, ?> before, Map<?, ?> after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        after.forEach((name, value) -> {
            if (!before.containsKey(name)) {
                added.add(String.valueOf(name));
            } else if (!Objects.equals(before.get(name), value)) {
                changed.add(String.valueOf(name));
            }
        });
        before.keySet().stream()
                .filter(name -> !after.containsKey(name))
                .map(String::valueOf)
                .forEach(removed::add);
        Map<String, List<String>> d = new LinkedHashMap<>();
        d.put("added", added);
        d.put("changed", changed);
        d.put("removed", removed);
        return d;
    }

    private static Map<?, ?> section(Map<String, Object> document, String key) {
        return document.get(key) instanceof Map<?, ?> m ? m : Map.of();
    }
}
