package io.fanout.compile;

import io.fanout.definition.ConfigProblem;
import java.util.List;

/**
 * Expands {@code ${NAME}} in upstream settings under the rules of a {@link ConfigEnvironment}. Problems name the
 * variable, never a value: an expanded value may be a secret.
 */
final class EnvironmentExpander {

    private static final String NOT_SHOWN = "the value is not shown: it may hold a secret";

    private final ConfigEnvironment environment;

    EnvironmentExpander(ConfigEnvironment environment) {
        this.environment = environment;
    }

    /** {@code value} with every {@code ${NAME}} replaced; a name that may not be used or is unset is a problem. */
    String expand(String value, String location, List<ConfigProblem> problems) {
        int start = value.indexOf("${");
        if (start < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        while (start >= 0) {
            int end = value.indexOf('}', start);
            if (end < 0) {
                problems.add(new ConfigProblem(location, "unclosed '${' in '" + value + "'", "write ${NAME}"));
                return value;
            }
            String name = value.substring(start + 2, end);
            sb.append(value, pos, start).append(lookup(name, location, problems));
            pos = end + 1;
            start = value.indexOf("${", pos);
        }
        return sb.append(value.substring(pos)).toString();
    }

    private String lookup(String name, String location, List<ConfigProblem> problems) {
        if (ConfigEnvironment.isOwn(name)) {
            problems.add(new ConfigProblem(
                    location,
                    "environment variable '" + name + "' is never expanded",
                    "Fanout's own tokens (FANOUT_ADMIN_TOKEN*, FANOUT_JOBS_TOKEN) and SPRING_* settings are not"
                            + " for upstreams; give the upstream's secret a variable of its own"));
            return "";
        }
        if (!environment.allows(name)) {
            List<String> allowed = environment.allowed();
            problems.add(new ConfigProblem(
                    location,
                    "environment variable '" + name + "' is not allowed in" + " database mode",
                    "allow it with " + ConfigEnvironment.ALLOW_PROPERTY
                            + " (FANOUT_CONFIG_ENV_ALLOW, globs such as USERS_*); allowed now: "
                            + (allowed == null || allowed.isEmpty() ? "none" : String.join(", ", allowed))));
            return "";
        }
        String resolved = name.isEmpty() ? null : environment.lookup().apply(name);
        if (resolved == null) {
            problems.add(new ConfigProblem(
                    location, "environment variable '" + name + "' is not set", "set it before starting Fanout"));
            return "";
        }
        for (int i = 0; i < resolved.length(); i++) {
            char c = resolved.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                problems.add(new ConfigProblem(
                        location,
                        "the value of environment variable '" + name + "' contains "
                                + (c == '\r' || c == '\n' ? "a line break" : "a control character"),
                        NOT_SHOWN));
                return "";
            }
        }
        return resolved;
    }
}
