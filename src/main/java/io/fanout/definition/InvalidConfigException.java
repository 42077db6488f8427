package io.fanout.definition;

import java.util.List;

/** A configuration that failed validation; carries every problem found. */
public class InvalidConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder("invalid configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem)" : " problems)");
        for (ConfigProblem p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
