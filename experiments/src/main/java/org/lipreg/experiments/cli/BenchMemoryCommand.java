package org.lipreg.experiments.cli;

import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.quickstart.Quickstart;
import org.lipreg.experiments.run.ChildJvm;
import org.lipreg.experiments.run.Plots;
import org.lipreg.experiments.run.TableText;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.runner.EpochMetrics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lipreg bench memory}: trains in a child JVM whose heap is fully resident from the start
 * ({@code -Xms = -Xmx}, {@code AlwaysPreTouch}), so that any growth of the resident size from
 * epoch to epoch is native memory — the engine's — and not the Java heap being paged in.
 */
@Command(
        name = "memory",
        mixinStandardHelpOptions = true,
        description = {
            "Train for N epochs in a child JVM with a pre-touched heap and report resident memory",
            "and live NDArrays per epoch, with the fitted slope (MB/epoch) after the first epoch."
        })
final class BenchMemoryCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Run config (default: the quickstart's).")
    Path config;

    @Mixin ConfigOverrides overrides;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default 10).")
    int epochs;

    @Option(names = "--heap", defaultValue = "512m", description = "Child heap, fixed and pre-touched (default 512m).")
    String heap;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/bench-memory-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(config == null ? Quickstart.CONFIG : List.of());
        all.addAll(overrides.assignments());
        all.add("epochs=" + epochs);
        all.add("name=bench-memory");
        RunConfig runConfig = RunConfigs.load(config, all);
        Path dir = out != null ? out : RunDirectories.fresh("bench-memory");
        Files.createDirectories(dir);
        Path configFile = dir.resolve("run-config.json");
        AtomicFiles.writeString(configFile, ConfigLoader.json().writeValueAsString(ConfigLoader.toTree(runConfig)));
        Path runDir = dir.resolve("run");

        List<String> command = ChildJvm.lipreg(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch"));
        command.addAll(List.of("train", "--config", configFile.toString(), "--out", runDir.toString()));
        System.out.println("bench memory: " + epochs + " epochs, child heap " + heap + " (pre-touched); log in "
                + dir.resolve("train.log"));
        int code = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("train.log").toFile()).start().waitFor();
        if (code != 0) {
            System.err.println("lipreg: the training child failed with exit code " + code + "; see "
                    + dir.resolve("train.log"));
            return ExitCodes.FAILURE;
        }
        Table metrics = Table.read().usingOptions(CsvReadOptions.builder(runDir.resolve("metrics.csv").toFile()));
        Table table = metrics.selectColumns("epoch", "rss_mb", "heap_mb", "ndarrays", "seconds");
        table.setName("memory per epoch");
        System.out.println(TableText.forPrinting(table, 4).print());

        SimpleRegression fit = new SimpleRegression();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int row = 1; row < metrics.rowCount(); row++) { // epoch 1 is allocator warm-up
            double rss = metrics.numberColumn("rss_mb").getDouble(row);
            fit.addData(metrics.numberColumn("epoch").getDouble(row), rss);
            min = Math.min(min, rss);
            max = Math.max(max, rss);
        }
        double arraysMin = metrics.numberColumn("ndarrays").min();
        double arraysMax = metrics.numberColumn("ndarrays").max();
        System.out.printf(Locale.ROOT, "resident memory after epoch 1: slope %+.2f MB/epoch, range %.1f MB (%.1f..%.1f)%n",
                fit.getSlope(), max - min, min, max);
        System.out.printf(Locale.ROOT, "live NDArrays per epoch: %s%n",
                arraysMin == arraysMax ? "constant at " + (long) arraysMin : "from " + (long) arraysMin + " to " + (long) arraysMax);

        List<EpochMetrics> history = new ArrayList<>();
        for (int row = 0; row < metrics.rowCount(); row++) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("rss_mb", metrics.numberColumn("rss_mb").getDouble(row));
            history.add(new EpochMetrics(row + 1, values));
        }
        Plots.curves(history, "Resident memory per epoch (heap pre-touched)", "MB", List.of("rss_mb"),
                dir.resolve("memory.png"));
        System.out.println("wrote " + dir.resolve("memory.png"));
        return ExitCodes.OK;
    }
}
