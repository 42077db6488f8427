package io.fanout.definition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A document bound as far as its shape allows: the definition, and every shape problem found. The definition holds
 * defaults where a value was missing or wrong, so that the compiler can still check meaning and one round reports
 * all problems; it must never be applied while {@link #problems()} is non-empty. {@link #rejected(String)} tells
 * the compiler which values it must not analyse, because what it would see there is a stand-in.
 *
 * @param document   the tree as read (maps in document order, lists, scalars), or null for an empty document
 * @param definition what could be bound
 * @param problems   shape problems in the order the binder found them
 */
public record BoundConfig(@Nullable Object document, ConfigDefinition definition, List<ConfigProblem> problems) {

    public BoundConfig {
        problems = List.copyOf(problems);
    }

    /** Whether the document has the key at the end of {@code keys} (names as written, from the top). */
    public boolean has(String... keys) {
        Object node = document;
        for (int i = 0; i < keys.length; i++) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(keys[i])) {
                return false;
            }
            node = map.get(keys[i]);
        }
        return true;
    }

    /** The value at the end of {@code keys} as written, or null. */
    public @Nullable Object raw(String... keys) {
        Object node = document;
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    /** Whether the binder reported a problem at {@code location} or inside it. */
    public boolean rejected(String location) {
        for (ConfigProblem p : problems) {
            if (ProblemCollector.within(p.location(), location)) {
                return true;
            }
        }
        return false;
    }

    /**
     * These shape problems and {@code more}, each once, in the order of the document: a problem sorts at its
     * location's position, or its nearest enclosing key's when the location is not in the document (a missing
     * key); problems at the same position keep their order.
     */
    public List<ConfigProblem> inDocumentOrder(List<ConfigProblem> more) {
        List<ConfigProblem> all = new ArrayList<>(new LinkedHashSet<>(concat(problems, more)));
        if (all.size() > 1) {
            Map<String, Integer> positions = new HashMap<>();
            positions.put("", 0);
            number(document, "", positions);
            all.sort(Comparator.comparingInt(p -> position(p.location(), positions)));
        }
        return List.copyOf(all);
    }

    private static List<ConfigProblem> concat(List<ConfigProblem> a, List<ConfigProblem> b) {
        List<ConfigProblem> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    /** Numbers every location in the tree in document order (pre-order). */
    private static void number(@Nullable Object node, String location, Map<String, Integer> positions) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String at = ProblemCollector.at(location, String.valueOf(e.getKey()));
                positions.putIfAbsent(at, positions.size());
                number(e.getValue(), at, positions);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String at = ProblemCollector.at(location, i);
                positions.putIfAbsent(at, positions.size());
                number(list.get(i), at, positions);
            }
        }
    }

    private static int position(String location, Map<String, Integer> positions) {
        String at = location;
        while (true) {
            Integer p = positions.get(at);
            if (p != null) {
                return p;
            }
            int cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
            if (cut <= 0) {
                return 0;
            }
            at = at.substring(0, cut);
        }
    }
}
