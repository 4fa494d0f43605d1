package org.lipreg.experiments.bench;

import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzBound;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.certify.CertifyTarget;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code lipreg bench lipschitz --run DIR}: the bound alone ({@link LipschitzCertifier#bound}) on
 * a run trained before, per point, method and eps, with the process's wall and CPU seconds and the
 * largest per-function bound to the last digit: no training and no lower-bound search, so two
 * builds can be timed side by side on the same model and their bounds compared.
 */
public final class BoundTiming {

    private BoundTiming() {}

    /**
     * Times each bound and prints one Markdown row per point, method and eps.
     *
     * @param run the trained run's directory
     * @param points how many test points
     * @param eps the box radii
     * @param methods the methods
     * @param out where the rows go
     * @throws Exception if the run cannot be read or a bound fails
     */
    public static void run(Path run, int points, List<Double> eps, List<Method> methods, PrintStream out) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (CertifyTarget target = CertifyTarget.fromRun(run, points, Path.of(""), null);
                LipschitzCertifier certifier = LipschitzCertifier.of(target.network())) {
            double[][] specs = LipschitzCertifier.outputSpecs(target.outputs());
            out.println("# lipreg bench lipschitz --run " + run + "\n\n" + LipschitzBenchmark.conditions() + " (at the start)\n");
            out.println("| point | method | eps | wall s | CPU s | largest bound | load average |");
            out.println("|---:|---|---:|---:|---:|---:|---:|");
            for (int p = 0; p < target.points().length; p++) {
                for (double e : eps) {
                    InputBox box = InputBox.around(target.points()[p], e, target.domainMin(), target.domainMax());
                    for (Method method : methods) {
                        long cpu = os.getProcessCpuTime();
                        long start = System.nanoTime();
                        LipschitzBound bound = certifier.bound(box, specs, method);
                        double wall = (System.nanoTime() - start) / 1e9;
                        double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
                        double largest = java.util.Arrays.stream(bound.perSpec()).max().orElse(Double.NaN);
                        out.printf(Locale.ROOT, "| %d | %s | %s | %.2f | %.2f | %.17g | %.2f |%n", p, method.name().toLowerCase(Locale.ROOT),
                                e, wall, cpuSeconds, largest, os.getSystemLoadAverage());
                    }
                }
            }
        }
    }
}
