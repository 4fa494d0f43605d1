package org.lipreg.experiments.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.model.ModelFactory;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.TrainingProgress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The transformer language model through the real runner, on a tiny generated corpus. */
class LanguageModelTrainingTest {

    @TempDir Path dir;

    /** Lines of five words of a cyclic pattern, each starting at a random word. */
    private void writeCorpus() throws Exception {
        Random r = new Random(1);
        String[] words = {"a", "b", "c", "d", "e", "f"};
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (int line = 0; line < 60; line++) {
            StringBuilder s = new StringBuilder();
            int start = r.nextInt(words.length);
            for (int i = 0; i < 5; i++) {
                s.append(' ').append(words[(start + i) % words.length]);
            }
            (line < 45 ? train : test).append(s).append('\n');
        }
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("test.txt"), test);
    }

    private RunConfig config(String... more) throws Exception {
        List<String> overrides = new ArrayList<>(List.of("epochs=15", "seed=3", "data.type=text",
                "data.path=" + dir, "data.trainFile=train.txt", "data.testFile=test.txt", "data.batchSize=8",
                "model.preset=transformer", "model.norm=ln", "model.blocks=1", "model.width=16", "model.heads=2",
                "model.ffWidth=32", "model.sequenceLength=6", "model.dropout=0", "model.pnWarmup=10",
                "optimizer.learningRate=0.01"));
        overrides.addAll(List.of(more));
        return RunConfigs.load(null, overrides);
    }

    @Test
    void lossFallsAndPerplexityIsReportedAndReproducible() throws Exception {
        writeCorpus();
        for (String norm : List.of("ln", "pn")) {
            RunConfig c = config("model.norm=" + norm);
            Path run = dir.resolve("run-" + norm);
            RunResult result = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(c, run, false);
            List<EpochMetrics> history = result.training().history();
            double first = history.get(0).get("train_loss");
            double last = history.get(history.size() - 1).get("train_loss");
            // 45 lines × 6 tokens = 270 tokens, 44 windows, 6 steps an epoch: 90 steps in all.
            assertTrue(last < 0.6 * first, norm + ": the training loss falls: " + first + " → " + last);
            EpochMetrics end = result.training().last();
            double ppl = end.get("test_perplexity");
            // 8 words; the pattern is deterministic except after <eos> (6 ways) and at a window's start.
            assertTrue(ppl < 2.0, norm + ": test perplexity " + ppl);
            assertEquals(Math.exp(end.get("test_loss")), ppl, 1e-4 * ppl, "every window has the same length");
            assertTrue(Files.isRegularFile(run.resolve("perplexity.png")));
            List<String> vocabulary = Files.readAllLines(run.resolve(Vocabulary.FILE));
            assertEquals(List.of("<unk>", "<eos>"), vocabulary.subList(0, 2));
            assertEquals(8, vocabulary.size());
            JsonNode summary = ConfigLoader.json().readTree(Files.readString(run.resolve(RunExecutor.SUMMARY_FILE)));
            assertEquals("finished", summary.get("status").asText());
            assertTrue(summary.get("best").has("test_perplexity"));
            assertEquals(0, summary.get("testUnknownTokens").asInt());

            // The reported figure against a direct double computation from the saved model's logits.
            assertEquals(direct(c, run, result.text()), ppl, 1e-4 * ppl, norm);
        }
    }

    private static double direct(RunConfig c, Path run, TextData data) throws Exception {
        TokenWindows test = data.test();
        int v = data.vocabulary().size();
        double nll = 0;
        try (Model model = Model.newInstance(RunExecutor.MODEL_NAME);
                NDManager m = NDManager.newBaseManager()) {
            model.setBlock(ModelFactory.languageModel(c.model, v));
            model.load(run.resolve(RunExecutor.MODEL_DIR), RunExecutor.MODEL_NAME);
            ParameterStore store = new ParameterStore(m, false);
            float[] z = model.getBlock().forward(store,
                    new NDList(m.create(test.inputs(), new Shape(test.windows(), test.length()))), false)
                    .head().toFloatArray();
            for (int i = 0; i < test.targets(); i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, z[i * v + k]);
                }
                double sum = 0;
                for (int k = 0; k < v; k++) {
                    sum += Math.exp(z[i * v + k] - max);
                }
                nll += max + Math.log(sum) - z[i * v + (int) test.labels()[i]];
            }
        }
        return Math.exp(nll / test.targets());
    }

    @Test
    void configErrorsNameTheirKeys() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(null,
                List.of("model.norm=pn")));
        assertTrue(e.getMessage().contains("model.norm: pn is a transformer norm"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("model.preset=transformer",
                "model.norm=ln")));
        assertTrue(e.getMessage().contains("model.preset: transformer needs data.type text"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("data.type=text",
                "model.preset=transformer", "model.norm=gn", "model.width=10", "model.heads=4")));
        assertTrue(e.getMessage().contains("data.path: required when data.type is text"), e.getMessage());
        assertTrue(e.getMessage().contains("data.trainFile: required"), e.getMessage());
        assertTrue(e.getMessage().contains("model.norm: the transformer preset needs one of"), e.getMessage());
        assertTrue(e.getMessage().contains("model.heads: 4 must divide model.width (10)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("data.type=text")));
        assertTrue(e.getMessage().contains("data.type: text needs model.preset transformer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("model.blocks=3")));
        assertTrue(e.getMessage().contains("model.blocks: only used with model.preset transformer"), e.getMessage());

        // Defaults are filled in and written to the resolved config; image configs do not change.
        RunConfig image = RunConfigs.load(null, List.of());
        assertTrue(!ConfigLoader.toTree(image).get("model").has("blocks"));
        writeCorpus();
        RunConfig text = config();
        assertEquals(1, text.model.pnGroups);
        assertEquals("pre", text.model.normPosition);

        // A missing file is named by its key before anything is written.
        RunConfig missing = config("data.testFile=nothing.txt");
        Path run = dir.resolve("missing");
        RunSetupException s = assertThrows(RunSetupException.class,
                () -> new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(missing, run, false));
        assertTrue(s.getMessage().startsWith("data.testFile: "), s.getMessage());
        assertTrue(!Files.exists(run.resolve(RunExecutor.CONFIG_FILE)));
    }
}
