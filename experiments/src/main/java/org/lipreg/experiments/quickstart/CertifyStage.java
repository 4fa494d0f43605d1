package org.lipreg.experiments.quickstart;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.LipschitzJob;
import org.lipreg.experiments.certify.MarkdownTables;

import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;

/**
 * Certifies the local Lipschitz constant of the CNN the quickstart trained — weight-standardized
 * convolutions, batch-channel norm (at inference: its running-statistics part folded, its group
 * norm bounded through per-sample statistics), max pooling — at a test point: the margins'
 * attained lower bound (sampled, ascent, region walk), then each certified upper bound with its
 * ratio to that lower bound and the certified ℓ∞ radius. Tables go to {@code certify/} in the
 * run directory, the summary to its certificate file.
 */
final class CertifyStage implements QuickstartStage {

    /**
     * The upper-bound methods, cheapest first. α-CROWN is left out: on this CNN it takes about 4×
     * CROWN's time (98 s against 26 s at load 3) for a bound 2 % lower, which would double the
     * quickstart; `lipreg certify lipschitz --method alpha_crown` runs it on the same run.
     */
    static final List<Method> METHODS = List.of(Method.CROWN, Method.BAB);

    static final double EPSILON = 0.01;
    static final int POINTS = 1;
    /** Branch-and-bound's budget per point: a short look, not a proof of the exact maximum. */
    static final double BAB_SECONDS = 5;

    @Override
    public String name() {
        return "certify";
    }

    @Override
    public void run(QuickstartContext context) throws Exception {
        Path dir = context.runDirectory();
        LipschitzJob job = new LipschitzJob(METHODS, List.of(EPSILON), LipschitzJob.Spec.MARGIN,
                new BabSettings(BAB_SECONDS, 20_000, 8), new LowerBoundSearch(16, 2, 20, context.config().seed),
                line -> context.out().println("  " + line));
        try (CertifyTarget target = CertifyTarget.fromRun(dir, POINTS, Path.of(""), null)) {
            if (target.network() == null) { // every block the quickstart trains is certifiable
                throw new IllegalStateException("the quickstart model cannot be certified: "
                        + target.unsupported().getMessage());
            }
            LipschitzJob.Result result = job.run(target);
            CertifyOutputs.writeLipschitz(result, dir.resolve("certify"));
            CertifyOutputs.writeCertificate(result.summary(), dir.resolve(CertifyOutputs.CERTIFICATE_FILE));
            context.out().print(MarkdownTables.of(result.summary()));
            Table s = result.summary();
            context.record(name(), "margin Lipschitz lower bound, attained (eps " + EPSILON + ")",
                    s.doubleColumn("mean_lower").getDouble(0));
            for (int r = 0; r < s.rowCount(); r++) {
                String method = s.stringColumn("method").get(r);
                context.record(name(), method + " margin Lipschitz bound (eps " + EPSILON + ")",
                        s.doubleColumn("mean_upper").getDouble(r));
                context.record(name(), method + " upper / attained lower", s.doubleColumn("mean_ratio").getDouble(r));
                context.record(name(), method + " certified l-inf radius", s.doubleColumn("mean_radius").getDouble(r));
                context.record(name(), method + " seconds", s.doubleColumn("mean_seconds").getDouble(r));
            }
        }
    }
}
