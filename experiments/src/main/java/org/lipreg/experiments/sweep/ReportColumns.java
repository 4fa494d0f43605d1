package org.lipreg.experiments.sweep;

import java.util.List;
import java.util.Locale;

/**
 * The sweep report's own column names, beside which each grid axis gets a column named by its
 * config key ({@code optimizer.learningRate}, {@code epochs}). The report's names are chosen so
 * that no config key takes them (how far a run got is {@code epochs_done}, not {@code epochs},
 * which a grid may vary); {@link #clash} checks an axis anyway, so that a key added later with
 * such a name is refused up front rather than breaking the report after the runs.
 */
final class ReportColumns {

    /** runs.csv: the run's directory name. */
    static final String RUN = "run";

    /** runs.csv and summary.csv: the variant's name (only in sweeps with variants). */
    static final String VARIANT = "variant";

    /** runs.csv: finished, failed, interrupted, pending. */
    static final String STATUS = "status";

    /** runs.csv: the run's wall time. */
    static final String SECONDS = "seconds";

    /** runs.csv: why a run failed. */
    static final String ERROR = "error";

    /** summary.csv: finished runs in the group. */
    static final String COUNT = "n";

    /** summary.csv: runs of the group that did not finish. */
    static final String FAILED = "failed";

    /** runs.csv: prefixes of each metric's final and best value. */
    static final String FINAL_PREFIX = "final_";
    static final String BEST_PREFIX = "best_";

    /** summary.csv: suffixes of each metric's mean and standard deviation over seeds. */
    static final String MEAN_SUFFIX = "_mean";
    static final String STD_SUFFIX = "_std";

    private ReportColumns() {}

    /**
     * Returns the runs table's column for how far a run got: {@code epochs_done} or {@code
     * steps_done}. Not {@code epochs} / {@code steps}: those are config keys, so a grid over them
     * has an axis column of that name, which says what the run was set to do.
     *
     * @param kind what the sweep's runs are
     * @return the column name
     */
    static String progress(RunKind kind) {
        return kind.progressTotal() + "_done";
    }

    /**
     * Checks that an axis's column cannot be mistaken for one of the report's own. Tablesaw
     * compares column names ignoring case, and so does this.
     *
     * @param axis the grid key
     * @param kind what the sweep's runs are
     * @return null if the axis's column is distinct, else the report column it would clash with
     */
    static String clash(String axis, RunKind kind) {
        String name = axis.toLowerCase(Locale.ROOT);
        for (String fixed : List.of(RUN, VARIANT, STATUS, progress(kind), SECONDS, ERROR, COUNT, FAILED)) {
            if (name.equals(fixed)) {
                return fixed;
            }
        }
        for (String prefix : List.of(FINAL_PREFIX, BEST_PREFIX)) {
            if (name.startsWith(prefix)) {
                return prefix + "<metric>";
            }
        }
        for (String suffix : List.of(MEAN_SUFFIX, STD_SUFFIX)) {
            if (name.endsWith(suffix)) {
                return "<metric>" + suffix;
            }
        }
        return null;
    }

    /**
     * Describes a clash for an error message.
     *
     * @param column what {@link #clash} returned
     * @return e.g. "its column ... would clash with the report's column 'seconds'; ..."
     */
    static String clashProblem(String column) {
        return "its column in runs.csv/summary.csv would clash with the report's column '" + column
                + "'; sweep over another key";
    }
}
