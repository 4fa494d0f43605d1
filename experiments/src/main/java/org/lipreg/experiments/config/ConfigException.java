package org.lipreg.experiments.config;

import java.util.List;

/**
 * A config that cannot be used: each message names the key path (e.g. {@code data.batchSize})
 * and what is allowed. The CLI turns it into exit code 2 before anything is written.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** One message per problem, each starting with the key path. */
    private final List<String> problems;

    /** Where each problem's key came from ({@code run.yaml, line 7}); null where unknown. */
    private final List<String> sources;

    /**
     * Creates the exception.
     *
     * @param problems one message per problem, each starting with the key path
     */
    public ConfigException(List<String> problems) {
        this(problems, java.util.Collections.nCopies(problems.size(), null));
    }

    private ConfigException(List<String> problems, List<String> sources) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
        this.sources = new java.util.ArrayList<>(sources);
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

    /**
     * Returns the problems, each followed by where its key came from when that is known: {@code
     * optimizer.lr: unknown key ... (run.yaml, line 3)}.
     *
     * @return the problems with their sources
     */
    public List<String> located() {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            out.add(sources.get(i) == null ? problems.get(i) : problems.get(i) + " (" + sources.get(i) + ")");
        }
        return out;
    }

    /**
     * Returns this exception with each problem's key traced to the line or override it came from.
     *
     * @param lines the config's key lines and overrides
     * @return the located exception
     */
    ConfigException locate(KeyLines lines) {
        List<String> found = new java.util.ArrayList<>();
        for (String problem : problems) {
            int colon = problem.indexOf(": ");
            String key = colon < 0 ? "" : problem.substring(0, colon);
            found.add(key.isEmpty() || key.contains(" ") ? null : lines.sourceOf(key));
        }
        return new ConfigException(problems, found);
    }
}
