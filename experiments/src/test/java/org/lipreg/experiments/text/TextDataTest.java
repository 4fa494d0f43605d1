package org.lipreg.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.DataConfig;
import org.lipreg.normalization.transformer.CausalLanguageModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Vocabulary, tokenization, windowing and perplexity against hand-worked examples. */
class TextDataTest {

    @TempDir Path dir;

    @Test
    void vocabularyMapsUnseenWordsToUnkAndEndsEveryLine() {
        Vocabulary v = Vocabulary.build(List.of(" the cat sat ", "the <unk> dog", ""));
        // <unk> 0, <eos> 1, then first occurrences: the 2, cat 3, sat 4, dog 5.
        assertEquals(6, v.size());
        assertEquals("<unk>", v.word(0));
        assertEquals("<eos>", v.word(1));
        assertEquals(5, v.id("dog"));
        assertArrayEquals(new int[] {2, 3, 4, 1, 2, 0, 5, 1, 1}, v.encode(List.of(" the cat sat ", "the <unk> dog", "")));
        // Unseen words (and a tab as whitespace) at test time.
        assertArrayEquals(new int[] {2, 0, 3, 1}, v.encode(List.of("the\tbird cat")));
    }

    @Test
    void windowsPairEachTokenWithTheNextAndDropTheRemainder() {
        int[] stream = {10, 11, 12, 13, 14, 15, 16, 17};
        TokenWindows w = TokenWindows.cut(stream, 3, null);
        // (8 − 1) / 3 = 2 windows; target 17 does not fit a whole window.
        assertEquals(2, w.windows());
        assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15}, w.inputs());
        assertArrayEquals(new float[] {11, 12, 13, 14, 15, 16}, w.labels());
        assertEquals(6, w.targets());
        assertEquals(1, TokenWindows.cut(stream, 3, 1).windows());
        assertEquals(1, TokenWindows.cut(stream, 7, null).windows());
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.cut(stream, 8, null));
    }

    @Test
    void missingFilesAreNamedByTheirKeys() throws IOException {
        Files.writeString(dir.resolve("train.txt"), "a b c\nb c a\n");
        DataConfig c = new DataConfig();
        c.type = "text";
        c.path = dir.toString();
        c.trainFile = "train.txt";
        c.testFile = "missing.txt";
        IOException e = assertThrows(IOException.class, () -> TextData.load(c, 2, Path.of("")));
        assertTrue(e.getMessage().startsWith("data.testFile: "), e.getMessage());
        assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());
        c.trainFile = "nope.txt";
        e = assertThrows(IOException.class, () -> TextData.load(c, 2, Path.of("")));
        assertTrue(e.getMessage().startsWith("data.trainFile: "), e.getMessage());
        c.trainFile = "train.txt";
        c.testFile = "train.txt";
        e = assertThrows(IOException.class, () -> TextData.load(c, 50, Path.of("")));
        assertTrue(e.getMessage().startsWith("data.trainFile: ") && e.getMessage().contains("too short"), e.getMessage());
        TextData ok = TextData.load(c, 2, Path.of(""));
        assertEquals(5, ok.vocabulary().size());
        assertEquals(8, ok.trainTokens());
        assertEquals(3, ok.train().windows());
    }

    /** The evaluator's perplexity equals exp(mean NLL) computed in double from the model's logits. */
    @Test
    void perplexityMatchesADirectComputationFromTheLogits() {
        int b = 3;
        int t = 5;
        int v = 7;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            CausalLanguageModel lm = CausalLanguageModel.builder().setVocabularySize(v).setLayers(1).setWidth(8)
                    .setHeads(2).setFeedForwardWidth(16).optDropout(0).build();
            lm.initialize(m, DataType.FLOAT32, new Shape(b, t));
            ParameterStore store = new ParameterStore(m, false);
            Random r = new Random(12);
            Perplexity evaluator = new Perplexity();
            evaluator.addAccumulator("test");
            double nll = 0;
            long count = 0;
            for (int batch = 0; batch < 2; batch++) {
                float[] ids = new float[b * t];
                float[] targets = new float[b * t];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = r.nextInt(v);
                    targets[i] = r.nextInt(v);
                }
                NDList labels = new NDList(m.create(targets, new Shape(b, t)));
                NDArray logits = lm.forward(store, new NDList(m.create(ids, new Shape(b, t))), false).head();
                // Scale the logits up so that the softmax is far from uniform.
                NDList predictions = new NDList(logits.mul(5));
                evaluator.updateAccumulator("test", labels, predictions);
                float[] z = predictions.head().toFloatArray();
                for (int i = 0; i < b * t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < v; k++) {
                        max = Math.max(max, z[i * v + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < v; k++) {
                        sum += Math.exp(z[i * v + k] - max);
                    }
                    nll += max + Math.log(sum) - z[i * v + (int) targets[i]];
                    count++;
                }
            }
            double direct = Math.exp(nll / count);
            assertEquals(direct, evaluator.perplexity("test"), 1e-9 * direct);
            assertEquals((float) direct, evaluator.getAccumulator("test"));
            assertTrue(direct > 1.5, "a non-trivial perplexity: " + direct);
        }
    }
}
