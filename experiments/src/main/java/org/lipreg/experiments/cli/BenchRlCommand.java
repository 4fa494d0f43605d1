package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.RlBenchmark;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.run.TableText;
import org.lipreg.training.internal.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg bench rl}: SAC updates and MBPO model steps per second. */
@Command(
        name = "rl",
        mixinStandardHelpOptions = true,
        description = {
            "Gradient updates per second of one SAC update (Pendulum sizes: observation 3, action 1)",
            "and of one MBPO dynamics-model step (ensemble of 7, 200x200x200), on fixed random",
            "batches, sections alternating in rounds; medians. Prints a Markdown table with the",
            "engine's thread settings and writes it as rl.csv and bench.md under --out. One engine",
            "thread, as lipreg rl runs (-Dai.djl.pytorch.num_threads or OMP_NUM_THREADS change it).",
            "Compare with experiments/scripts/sac_update_torch.py (PyTorch eager)."
        })
final class BenchRlCommand implements Callable<Integer> {

    private static final String THREADS = "ai.djl.pytorch.num_threads";

    @Option(names = "--sections", split = ",", defaultValue = "sac,mbpo-model",
            description = "Which updates to time: sac, mbpo-model (default both).")
    List<String> sections;

    @Option(names = "--batch-size", defaultValue = "256", description = "Batch size (default 256).")
    int batch;

    @Option(names = "--hidden", split = ",", defaultValue = "256,256", description = "SAC hidden widths (default 256,256).")
    int[] hidden;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved timing rounds (default 5).")
    int rounds;

    @Option(names = "--updates", defaultValue = "100", description = "Updates per section per round (default 100).")
    int updates;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/bench-rl-<timestamp>).")
    Path out;

    @Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        for (String s : sections) {
            if (!RlBenchmark.SECTIONS.contains(s)) {
                System.err.println("--sections: '" + s + "' is not one of " + String.join(", ", RlBenchmark.SECTIONS));
                return ExitCodes.BAD_INPUT;
            }
        }
        for (int width : hidden) {
            if (width < 1) {
                System.err.println("--hidden: widths must be positive, got " + width);
                return ExitCodes.BAD_INPUT;
            }
        }
        if (batch < 1 || rounds < 1 || updates < 1) {
            System.err.println("--batch-size, --rounds and --updates must be positive");
            return ExitCodes.BAD_INPUT;
        }
        if (System.getProperty(THREADS) == null && System.getenv("OMP_NUM_THREADS") == null) {
            System.setProperty(THREADS, "1"); // as `lipreg rl` runs; read when the engine starts
        }
        Path dir = out != null ? out : RunDirectories.fresh("bench-rl");
        Path csv = dir.resolve("rl.csv");
        Path markdown = dir.resolve("bench.md");
        for (Path existing : List.of(csv, markdown)) {
            if (Files.exists(existing) && !overwrite.allowed()) {
                System.err.println("lipreg: " + existing + " exists; pass --overwrite to replace it");
                return ExitCodes.BAD_INPUT;
            }
        }
        Table table = RlBenchmark.run(sections, batch, hidden, rounds, updates, System.out);
        String text = "### " + table.name() + "\n\n" + MarkdownTables.of(table);
        System.out.println(text);
        Files.createDirectories(dir);
        TableText.writeCsv(table, csv);
        AtomicFiles.writeString(markdown, text);
        System.out.println("wrote " + csv + " and " + markdown);
        return ExitCodes.OK;
    }
}
