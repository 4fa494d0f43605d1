package org.lipreg.experiments.quickstart;

import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.run.RunResult;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.nio.file.Path;

/** What the quickstart stages share: the config, the run directory, results so far. */
public final class QuickstartContext {

    private final RunConfig config;
    private final Path runDirectory;
    private final PrintStream out;
    private final Table results = Table.create("quickstart results")
            .addColumns(StringColumn.create("stage"), StringColumn.create("metric"), DoubleColumn.create("value"));
    private RunResult training;

    QuickstartContext(RunConfig config, Path runDirectory, PrintStream out) {
        this.config = config;
        this.runDirectory = runDirectory;
        this.out = out;
    }

    /**
     * Returns the training config.
     *
     * @return the config
     */
    public RunConfig config() {
        return config;
    }

    /**
     * Returns the run directory.
     *
     * @return the directory
     */
    public Path runDirectory() {
        return runDirectory;
    }

    /**
     * Returns where stages print.
     *
     * @return the output stream
     */
    public PrintStream out() {
        return out;
    }

    /**
     * Returns the training result.
     *
     * @return the result of the training stage
     * @throws IllegalStateException if training has not run yet
     */
    public RunResult training() {
        if (training == null) {
            throw new IllegalStateException("the training stage has not run");
        }
        return training;
    }

    void setTraining(RunResult training) {
        this.training = training;
    }

    /**
     * Adds a row to the results table.
     *
     * @param stage the stage name
     * @param metric what was measured
     * @param value the value
     */
    public void record(String stage, String metric, double value) {
        results.stringColumn("stage").append(stage);
        results.stringColumn("metric").append(metric);
        results.doubleColumn("value").append(value);
    }

    /**
     * Returns the results table.
     *
     * @return the table
     */
    public Table results() {
        return org.lipreg.experiments.run.TableText.forPrinting(results, 4);
    }
}
