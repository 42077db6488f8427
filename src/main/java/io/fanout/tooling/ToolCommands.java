package io.fanout.tooling;

import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.ValidatedConfig;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.InvalidConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The command-line tools of {@code java -jar fanout.jar}: {@code check FILE...} validates configs through the same
 * {@link ConfigPipeline} as start-up (read and validate; nothing is compiled, no Spring context, no port), and
 * {@code schema} prints the config's JSON Schema. Everything per file goes to {@code out} in argument order;
 * {@code err} only gets usage errors.
 */
public final class ToolCommands {

    /** Exit status of a check that found problems. */
    public static final int INVALID = 1;
    /** Exit status of a command line that could not be understood. */
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: java -jar fanout.jar check [--env-allow=GLOBS] FILE...
                   java -jar fanout.jar schema
              check   validates each config as start-up would; exit 0 when every file is valid, 1 otherwise
                      --env-allow=GLOBS  apply database mode's ${NAME} rule (fanout.config.env-allow)
              schema  prints the config's JSON Schema (draft 2020-12)""";

    private ToolCommands() {}

    /** Whether {@code args} name a tool rather than the server's options. */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && (args[0].equals("check") || args[0].equals("schema"));
    }

    /** Runs a tool with the process's environment; answers the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System::getenv);
    }

    /**
     * Runs a tool.
     *
     * @param env where {@code ${NAME}} values come from
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err, UnaryOperator<@Nullable String> env) {
        if (args.length == 0 || !isCommand(args)) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (args[0].equals("schema")) {
            if (args.length > 1) {
                err.println("schema takes no arguments\n" + USAGE_TEXT);
                return USAGE;
            }
            out.println(ConfigSchema.json());
            return 0;
        }
        String allow = null;
        List<String> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--env-allow=")) {
                allow = args[i].substring("--env-allow=".length());
            } else if (args[i].startsWith("--")) {
                err.println("unknown option " + args[i] + "\n" + USAGE_TEXT);
                return USAGE;
            } else {
                files.add(args[i]);
            }
        }
        if (files.isEmpty()) {
            err.println("check needs at least one FILE\n" + USAGE_TEXT);
            return USAGE;
        }
        ConfigEnvironment environment =
                allow == null ? ConfigEnvironment.fileMode(env) : ConfigEnvironment.databaseMode(env, allow);
        // validate() never builds clients or timers; the factory and registry are only there for compile()
        ConfigPipeline pipeline = new ConfigPipeline(
                upstream -> {
                    throw new IllegalStateException("check never compiles");
                },
                new SimpleMeterRegistry(),
                environment);
        boolean allValid = true;
        for (String file : files) {
            allValid &= check(pipeline, file, out);
        }
        return allValid ? 0 : INVALID;
    }

    private static boolean check(ConfigPipeline pipeline, String file, PrintStream out) {
        List<ConfigProblem> problems;
        ValidatedConfig checked = null;
        try {
            checked = pipeline.validate(ConfigPipeline.read(Path.of(file)));
            problems = checked.problems();
        } catch (InvalidConfigException e) {
            problems = e.problems();
        } catch (UncheckedIOException | java.nio.file.InvalidPathException e) {
            problems = List.of(new ConfigProblem("", "cannot read the file: " + reason(e), null));
        }
        if (checked != null && problems.isEmpty()) {
            out.println(file + ": OK (" + summary(checked) + ")");
            return true;
        }
        // the text start-up fails with (InvalidConfigFailureAnalyzer), under the file's name
        out.println(file + ": " + new InvalidConfigException(problems).getMessage());
        return false;
    }

    private static String reason(RuntimeException e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String name = cause.getClass().getSimpleName();
        return switch (name) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> cause.getMessage() == null ? name : cause.getMessage();
        };
    }

    private static String summary(ValidatedConfig checked) {
        int upstreams = checked.definition().upstreams().size();
        int endpoints = checked.definition().endpoints().size();
        int calls = checked.definition().endpoints().values().stream()
                .mapToInt(e -> e.calls().size())
                .sum();
        return plural(upstreams, "upstream") + ", " + plural(endpoints, "endpoint") + ", " + plural(calls, "call");
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
