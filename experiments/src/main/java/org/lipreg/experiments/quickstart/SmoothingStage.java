package org.lipreg.experiments.quickstart;

import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.certify.SmoothingJob;
import org.lipreg.experiments.certify.SmoothingOutputs;

import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * Certifies ℓ2 radii of the main CNN smoothed by Gaussian noise, by Cohen's votes and by soft
 * smoothing, with small sample sizes so that it takes seconds (a real certificate uses n =
 * 100,000; the largest radius n = 500 can certify is 2.2σ at α = 0.001). The synthetic images
 * carry pixel noise of their own, so the CNN tolerates this σ without noise training.
 */
final class SmoothingStage implements QuickstartStage {

    static final double SIGMA = 0.25;
    static final int POINTS = 20;
    static final int N0 = 50;
    static final int N = 500;

    @Override
    public String name() {
        return "smoothing";
    }

    @Override
    public void run(QuickstartContext context) throws Exception {
        Path run = context.training().directory();
        SmoothingJob job = new SmoothingJob(EnumSet.allOf(SmoothingMethod.class), N0, N, 0.001, POINTS, 250,
                context.config().seed, line -> { });
        SmoothingJob.Result result = job.run(List.of(new SmoothingJob.Target(run, SIGMA)), Path.of(""));
        SmoothingOutputs.write(result, run.resolve("smoothing"));
        context.out().print(MarkdownTables.of(result.summary()));
        Table s = result.summary();
        for (int r = 0; r < s.rowCount(); r++) {
            String method = s.stringColumn("method").get(r);
            context.record(name(), method + " certified accuracy at r=0.25 (sigma " + SIGMA + ", n " + N + ")",
                    s.doubleColumn(SmoothingJob.accuracyColumn(0.25)).getDouble(r));
            context.record(name(), method + " average certified l2 radius", s.doubleColumn("acr").getDouble(r));
        }
    }
}
