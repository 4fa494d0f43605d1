package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A {@link BlockClassifier}'s noise depends on its seed only: the same whether classifiers run one
 * after another or on two threads at once (the engine has one generator for the process), and
 * the draws after one seed never repeat (selection and estimation are independent).
 */
class BlockClassifierNoiseTest {

    private static final float[] X = {0.5f, -1f, 2f};
    private static final double SIGMA = 0.7;
    /** Noisy copies per call: three batches of 4. */
    private static final int COUNT = 10;

    @Test
    void noiseDependsOnTheSeedOnlyAndNeverRepeats() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Identity weights: the logits are the noisy inputs themselves.
            Linear identity = Linear.builder().setUnits(3).optBias(false).build();
            identity.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            identity.getParameters().get("weight").getArray().set(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
            List<float[]> alone = new ArrayList<>();
            for (long seed = 1; seed <= 2; seed++) {
                alone.add(twoCalls(classifier(identity, manager), seed));
            }
            float[] one = alone.get(0);
            assertFalse(Arrays.equals(Arrays.copyOf(one, COUNT * 3), Arrays.copyOfRange(one, COUNT * 3, one.length)),
                    "the second call after a seed draws new noise");
            double sum = 0;
            for (int i = 0; i < one.length; i++) {
                sum += one[i] - X[i % 3];
            }
            assertEquals(0, sum / one.length, 5 * SIGMA / Math.sqrt(one.length), "noise around the input");

            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<Boolean>> same = new ArrayList<>();
                for (long seed = 1; seed <= 2; seed++) {
                    long s = seed;
                    float[] expected = alone.get((int) seed - 1);
                    BlockClassifier own = classifier(identity, manager);
                    same.add(threads.submit(() -> {
                        for (int repeat = 0; repeat < 40; repeat++) {
                            assertArrayEquals(expected, twoCalls(own, s), "seed " + s + ", repeat " + repeat);
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : same) {
                    f.get();
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static BlockClassifier classifier(Linear block, NDManager manager) {
        return BlockClassifier.builder().setBlock(block).setExampleShape(new Shape(3)).setNumClasses(3)
                .setManager(manager).optBatchSize(4).build();
    }

    /** Seeds, then draws COUNT noisy copies twice; returns all logits in order. */
    private static float[] twoCalls(BlockClassifier classifier, long seed) {
        classifier.seed(seed);
        float[] out = new float[2 * COUNT * 3];
        int[] filled = {0};
        for (int call = 0; call < 2; call++) {
            classifier.sample(X, SIGMA, COUNT, (logits, rows) -> {
                System.arraycopy(logits, 0, out, filled[0], rows * 3);
                filled[0] += rows * 3;
            });
        }
        return out;
    }
}
