package org.lipreg.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class GaussianInputNoiseTest {

    @Test
    void addsNoiseOfTheRightSizeAndLeavesTheInputAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            int n = 200_000;
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (i % 7) / 7f;
            }
            NDArray x = manager.create(values, new Shape(n / 4, 4));
            NDArray labels = manager.zeros(new Shape(n / 4));
            NDList noisy = new GaussianInputNoise(0.3).apply(new NDList(x, labels), manager);
            assertArrayEquals(values, x.toFloatArray(), "the input itself must not change");
            assertEquals(2, noisy.size());
            float[] out = noisy.get(0).toFloatArray();
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double d = out[i] - values[i];
                sum += d;
                squares += d * d;
            }
            double mean = sum / n;
            double std = Math.sqrt(squares / n - mean * mean);
            assertEquals(0, mean, 5 * 0.3 / Math.sqrt(n));
            assertEquals(0.3, std, 0.003);
            assertThrows(IllegalArgumentException.class, () -> new GaussianInputNoise(-1));
        }
    }
}
