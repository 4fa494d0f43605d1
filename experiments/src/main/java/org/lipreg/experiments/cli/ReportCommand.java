package org.lipreg.experiments.cli;

import org.lipreg.experiments.run.TableText;
import org.lipreg.experiments.sweep.SweepReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lipreg report}: tables and plots of a sweep directory. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Summarize a sweep directory: runs.csv, summary.csv and summary.md (mean ± std over",
            "seeds), curve_<metric>.png and bar_<metric>.png."
        })
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "A sweep directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isRegularFile(dir.resolve(org.lipreg.experiments.sweep.SweepRunner.PLAN_FILE))) {
            throw new org.lipreg.experiments.run.RunSetupException(
                    dir + ": not a sweep directory (no " + org.lipreg.experiments.sweep.SweepRunner.PLAN_FILE + ")", null);
        }
        report(dir);
        return ExitCodes.OK;
    }

    static void report(Path dir) throws IOException {
        SweepReport report = SweepReport.read(dir);
        System.out.println(TableText.forPrinting(report.runs(), 4).print());
        System.out.println();
        System.out.println(report.markdown());
        for (Path file : report.write(dir)) {
            System.out.println("wrote " + file);
        }
    }
}
