package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every certificate in {@code certify smooth}'s points.csv can be audited from its row alone:
 * the radius is recomputed here from the row's counts (Cohen: Clopper–Pearson by bisection on
 * the binomial tail, summed term by term) or means and standard deviations (soft: the
 * empirical-Bernstein bounds written out), n, α and σ, with Φ⁻¹ by bisection on Φ.
 */
class SmoothingAuditTest {

    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);

    @TempDir Path dir;

    @Test
    void eachRadiusFollowsFromItsRowAlone() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "certify", "smooth", "--run", run.toString(), "--method", "cohen,soft", "--points", "6",
                "--n0", "20", "--n", "300", "--alpha", "0.01");
        assertEquals(0, code, err.toString());
        List<String> lines = Files.readAllLines(run.resolve("smoothing/points.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(13, lines.size(), "6 points × 2 methods");
        int certified = 0;
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new HashMap<>();
            String[] cells = line.split(",", -1);
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells[i]);
            }
            double sigma = Double.parseDouble(row.get("sigma"));
            double alpha = Double.parseDouble(row.get("alpha"));
            int n = Integer.parseInt(row.get("n"));
            int selected = Integer.parseInt(row.get("selected"));
            assertEquals(0.25, sigma);
            assertEquals(0.01, alpha);
            assertEquals(300, n);
            assertEquals(20, Integer.parseInt(row.get("n0")));
            double expected;
            if (row.get("method").equals("cohen")) {
                int k = Integer.parseInt(row.get("k"));
                double lower = clopperPearsonLower(k, n, alpha);
                expected = lower < 0.5 ? 0 : sigma * probit(lower);
            } else {
                double[] means = numbers(row.get("means"));
                double[] stds = numbers(row.get("stds"));
                assertEquals(means.length, stds.length);
                double perClass = alpha / means.length;
                double lower = Math.max(0, means[selected] - bernsteinShift(stds[selected], n, perClass));
                double upper = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < means.length; c++) {
                    if (c != selected) {
                        upper = Math.max(upper, means[c] + bernsteinShift(stds[c], n, perClass));
                    }
                }
                upper = Math.min(upper, 1);
                expected = lower > upper ? sigma / 2 * (probit(lower) - probit(upper)) : 0;
            }
            double radius = Double.parseDouble(row.get("radius"));
            assertEquals(expected, radius, 1e-9 * Math.max(1, expected), line);
            assertEquals(expected > 0 ? selected : -1, Integer.parseInt(row.get("predicted")), line);
            certified += expected > 0 ? 1 : 0;
        }
        assertTrue(certified >= 2, "too few certified rows to audit: " + certified);
    }

    /** The p with P(Binomial(n, p) ≥ k) = α, by bisection (it increases with p). */
    private static double clopperPearsonLower(int k, int n, double alpha) {
        if (k == 0) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-17; i++) {
            double mid = (lo + hi) / 2;
            if (tailFrom(k, n, mid) < alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** P(Binomial(n, p) ≥ k), summed term by term in log space. */
    private static double tailFrom(int k, int n, double p) {
        double logChoose = 0;
        double sum = 0;
        for (int j = 0; j <= n; j++) {
            if (j >= k) {
                sum += Math.exp(logChoose + j * Math.log(p) + (n - j) * Math.log1p(-p));
            }
            logChoose += Math.log((double) (n - j) / (j + 1));
        }
        return sum;
    }

    /** Maurer and Pontil's empirical-Bernstein deviation for n values in [0, 1] at level a. */
    private static double bernsteinShift(double std, int n, double a) {
        double log = Math.log(2 / a);
        return std * Math.sqrt(2 * log / n) + 7 * log / (3.0 * (n - 1));
    }

    /** Φ⁻¹ by bisection on Φ (on its upper tail above 1/2, where 1 − p is exact). */
    private static double probit(double p) {
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            boolean below = p > 0.5 ? N01.survivalProbability(mid) > 1 - p : N01.cumulativeProbability(mid) < p;
            if (below) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double[] numbers(String cell) {
        return Arrays.stream(cell.split(";")).mapToDouble(Double::parseDouble).toArray();
    }
}
