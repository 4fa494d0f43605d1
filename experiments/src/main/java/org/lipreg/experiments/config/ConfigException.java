package org.lipreg.experiments.config;

import java.util.List;

/**
 * A config that cannot be used: each message names the key path (e.g. {@code data.batchSize})
 * and what is allowed. The CLI turns it into exit code 2 before anything is written.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param problems one message per problem, each starting with the key path
     */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Creates the exception for one problem.
     *
     * @param problem a message starting with the key path
     */
    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /**
     * Returns the problems, one message each.
     *
     * @return the problems
     */
    public List<String> problems() {
        return problems;
    }
}
