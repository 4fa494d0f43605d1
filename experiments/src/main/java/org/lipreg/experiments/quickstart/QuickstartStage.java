package org.lipreg.experiments.quickstart;

/**
 * One stage of {@code lipreg quickstart}. A later feature (normalization, a regularizer, a
 * certificate) joins the quickstart by adding one stage to {@link Quickstart#STAGES}.
 */
public interface QuickstartStage {

    /**
     * Returns the stage's name, shown in the output and the results table.
     *
     * @return the name
     */
    String name();

    /**
     * Runs the stage; results go into the context's table.
     *
     * @param context what earlier stages produced
     * @throws Exception if the stage fails
     */
    void run(QuickstartContext context) throws Exception;
}
