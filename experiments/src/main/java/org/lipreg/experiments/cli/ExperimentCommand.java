package org.lipreg.experiments.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.lipreg.experiments.experiment.LastIterateExperiment;
import org.lipreg.experiments.run.TableText;
import org.lipreg.training.internal.AtomicFiles;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lipreg experiment}: small self-contained experiments. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Small self-contained experiments.",
        subcommands = {ExperimentCommand.LastIterate.class})
final class ExperimentCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lipreg experiment last-iterate}. */
    @Command(
            name = "last-iterate",
            mixinStandardHelpOptions = true,
            description = {
                "SGD's last-iterate gap on E|a'x - b| against the horizon T for the linear-decay and",
                "anytime schedules: a table, the fitted log-log slopes (theory: about -0.5) and a plot."
            })
    static final class LastIterate implements Callable<Integer> {

        @Option(names = "--dims", defaultValue = "10", description = "Dimension d (default 10).")
        int dims;

        @Option(names = "--seeds", defaultValue = "5", description = "Runs averaged per point (default 5).")
        int seeds;

        @Option(names = "--max-t", defaultValue = "100000", description = "Largest horizon T (default 100000).")
        int maxT;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/last-iterate-<timestamp>).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (dims < 1 || seeds < 1 || maxT < 100) {
                throw new org.lipreg.experiments.run.RunSetupException(
                        "--dims and --seeds must be at least 1 and --max-t at least 100", null);
            }
            LastIterateExperiment.Result result = LastIterateExperiment.run(dims, seeds, maxT, 20_000);
            Path dir = out != null ? out : RunDirectories.fresh("last-iterate");
            System.out.println(TableText.forPrinting(result.table(), 4).printAll());
            System.out.printf(Locale.ROOT, "log-log slope of the gap: linear decay %.3f, anytime %.3f (theory: about -0.5)%n",
                    result.slopeLinearDecay(), result.slopeAnytime());
            TableText.writeCsv(result.table(), dir.resolve("last-iterate.csv"));
            XYChart chart = new XYChartBuilder().width(640).height(440).title("SGD last-iterate gap on E|a'x - b|")
                    .xAxisTitle("horizon T").yAxisTitle("F(x_T) - F(x*)").build();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            double[] t = result.table().intColumn("T").asDoubleArray();
            chart.addSeries(String.format(Locale.ROOT, "linear decay (slope %.2f)", result.slopeLinearDecay()), t,
                    result.table().doubleColumn("gap_linear_decay").asDoubleArray());
            chart.addSeries(String.format(Locale.ROOT, "anytime (slope %.2f)", result.slopeAnytime()), t,
                    result.table().doubleColumn("gap_anytime").asDoubleArray());
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.write(dir.resolve("last-iterate.png"), o -> o.write(png));
            System.out.println("wrote " + dir.resolve("last-iterate.csv") + " and " + dir.resolve("last-iterate.png"));
            return ExitCodes.OK;
        }
    }
}
