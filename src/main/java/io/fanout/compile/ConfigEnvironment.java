package io.fanout.compile;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code ${NAME}} values come from and which names a config may use (SPEC §7). Fanout's own secrets
 * ({@code FANOUT_ADMIN_TOKEN*}, {@code FANOUT_JOBS_TOKEN}) and Spring's settings ({@code SPRING_*}, which include
 * the database password) are never expanded, in any case. In database mode, where admins write configs over HTTP,
 * only names matching one of the {@code fanout.config.env-allow} globs may be used; a file-mode config is written
 * by whoever runs the process and may use any other name.
 *
 * @param lookup  the value of a variable, or null when unset
 * @param allowed globs of usable names ({@code USERS_*}), or null for "any name but Fanout's own"
 */
public record ConfigEnvironment(
        UnaryOperator<@Nullable String> lookup, @Nullable List<String> allowed) {

    /** The property, and through relaxed binding {@code FANOUT_CONFIG_ENV_ALLOW}. */
    public static final String ALLOW_PROPERTY = "fanout.config.env-allow";

    public ConfigEnvironment {
        allowed = allowed == null ? null : List.copyOf(allowed);
    }

    /** File mode: any name but Fanout's own secrets. */
    public static ConfigEnvironment fileMode(UnaryOperator<@Nullable String> lookup) {
        return new ConfigEnvironment(lookup, null);
    }

    /** Database mode: only names matching {@code allowGlobs} (comma-separated, e.g. {@code USERS_*,LEGACY_*}). */
    public static ConfigEnvironment databaseMode(UnaryOperator<@Nullable String> lookup, @Nullable String allowGlobs) {
        List<String> globs = allowGlobs == null
                ? List.of()
                : Arrays.stream(allowGlobs.split(","))
                        .map(String::strip)
                        .filter(g -> !g.isEmpty())
                        .toList();
        return new ConfigEnvironment(lookup, globs);
    }

    /** No variable is set (for checking a config's shape and references only). */
    public static ConfigEnvironment empty() {
        return fileMode(name -> null);
    }

    /** Whether {@code name} is one of the process's own secrets or settings, which are never expanded. */
    public static boolean isOwn(String name) {
        // Spring's relaxed binding reads lower-case variables too, so the check ignores case
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.startsWith("SPRING_")
                || upper.startsWith("FANOUT_ADMIN_TOKEN")
                || upper.equals("FANOUT_JOBS_TOKEN");
    }

    /** Whether the allow-list admits {@code name} (always, in file mode). */
    public boolean allows(String name) {
        List<String> globs = allowed;
        return globs == null || globs.stream().anyMatch(glob -> matches(glob, name));
    }

    /** {@code *} matches any run of characters; everything else matches itself. */
    static boolean matches(String glob, String name) {
        int star = glob.indexOf('*');
        if (star < 0) {
            return glob.equals(name);
        }
        String head = glob.substring(0, star);
        if (!name.startsWith(head)) {
            return false;
        }
        String rest = glob.substring(star + 1);
        for (int i = head.length(); i <= name.length(); i++) {
            if (matches(rest, name.substring(i))) {
                return true;
            }
        }
        return false;
    }
}
