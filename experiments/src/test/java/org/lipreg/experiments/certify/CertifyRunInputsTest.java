package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.data.Datasets;
import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.model.ModelFactory;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.TrainedRun;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs that cannot be certified are refused with exit 2 and a message that says why and what to
 * do: an interrupted run (no model/) names the command that finishes it, and a model with a NaN
 * or infinite parameter names the parameter.
 */
class CertifyRunInputsTest {

    @TempDir Path dir;

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    /** Every certify-type command that takes --run, on the given run. */
    private List<String[]> commands(Path run) {
        String r = run.toString();
        return List.of(new String[] {"certify", "lipschitz", "--run", r, "--eps", "0.01", "--points", "1"},
                new String[] {"certify", "smooth", "--run", r, "--points", "2", "--n0", "20", "--n", "100"},
                new String[] {"certify", "monotonic", "--run", r},
                new String[] {"certify", "export", "--run", r, "--out", dir.resolve("net").toString()},
                new String[] {"counterfactual", "--run", r, "--points", "1", "--samples", "50"});
    }

    @Test
    void anInterruptedRunNamesTheCommandThatFinishesIt() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        // What a run killed in its last epoch leaves: config and checkpoints, no model or summary.
        deleteTree(run.resolve(RunExecutor.MODEL_DIR));
        Files.delete(run.resolve("summary.json"));
        String resume = null;
        for (String[] command : commands(run)) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, command), String.join(" ", command) + ": " + err);
            assertTrue(err.toString().contains("run not finished (no model/)"), err.toString());
            Matcher m = Pattern.compile("'lipreg (train [^']*--resume)'").matcher(err.toString());
            assertTrue(m.find(), err.toString());
            resume = m.group(1);
        }
        assertFalse(Files.exists(run.resolve("certify")) || Files.exists(run.resolve("smoothing"))
                || Files.exists(run.resolve(CertifyOutputs.CERTIFICATE_FILE)) || Files.exists(dir.resolve("net.npz")));

        // The suggested command finishes the run, and then it certifies.
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, resume.split(" ")), resume + ": " + err);
        assertEquals(0, run(err, commands(run).get(0)), err.toString());
    }

    @Test
    void aModelWithANonFiniteParameterIsRefusedNamingIt() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        String name;
        RunConfig config = TrainedRun.open(run).config();
        TrainTestData data = Datasets.load(config.data, config.seed, Path.of(""));
        Shape example = data.test().exampleShape();
        try (Model model = Model.newInstance(RunExecutor.MODEL_NAME)) {
            // Initialized before loading, so that the block knows its input and the model can be saved.
            Block block = ModelFactory.build(config.model, example, data.numClasses(), config.data.batchSize);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(example));
            model.setBlock(block);
            model.load(run.resolve(RunExecutor.MODEL_DIR), RunExecutor.MODEL_NAME);
            Pair<String, Parameter> first = block.getParameters().get(0);
            name = first.getKey();
            NDArray weight = first.getValue().getArray();
            weight.set(new NDIndex(0, 1), Float.NaN);
            deleteTree(run.resolve(RunExecutor.MODEL_DIR));
            model.save(run.resolve(RunExecutor.MODEL_DIR), RunExecutor.MODEL_NAME);
        }
        for (String[] command : commands(run)) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, command), String.join(" ", command) + ": " + err);
            for (String part : List.of("parameter '" + name + "'", "NaN", "[0, 1]")) {
                assertTrue(err.toString().contains(part), part + " not in: " + err);
            }
        }
        assertFalse(Files.exists(run.resolve("certify")) || Files.exists(run.resolve("smoothing"))
                || Files.exists(dir.resolve("net.npz")));
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
