package org.lipreg.normalization.groupnorm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lipreg.normalization.Reference.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import org.lipreg.normalization.Reference;

import java.util.Random;

class GroupNormTest {

    @Test
    void forwardMatchesPlainComputationForSeveralShapes() {
        Random r = new Random(3);
        int[][] cases = {{1, 8, 3, 3, 4}, {2, 6, 4, 5, 3}, {16, 4, 2, 2, 1}, {2, 4, 3, 3, 4}};
        for (int[] cs : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                int n = cs[0], c = cs[1], h = cs[2], w = cs[3], g = cs[4];
                GroupNorm block = GroupNorm.builder().optGroups(g).build();
                Shape in = new Shape(n, c, h, w);
                block.initialize(m, DataType.FLOAT64, in);
                double[] gamma = Reference.random(r, c);
                double[] beta = Reference.random(r, c);
                block.getParameters().get("gamma").getArray().set(gamma);
                block.getParameters().get("beta").getArray().set(beta);
                double[] x = Reference.random(r, (int) in.size());
                double[] expected = Reference.groupNorm(x, n, c, h * w, g, 1e-5);
                for (int b = 0; b < n; b++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int k = 0; k < h * w; k++) {
                            int i = (b * c + ch) * h * w + k;
                            expected[i] = gamma[ch] * expected[i] + beta[ch];
                        }
                    }
                }
                for (boolean training : new boolean[] {true, false}) {
                    NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.create(x, in)), training).head();
                    assertClose(expected, y.toDoubleArray(), 1e-9, "groupnorm " + java.util.Arrays.toString(cs));
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm block = GroupNorm.builder().optGroups(2).build();
            Shape in = new Shape(2, 4, 3, 3);
            block.initialize(m, DataType.FLOAT64, in);
            block.getParameters().get("gamma").getArray().set(Reference.random(new Random(4), 4));
            Reference.checkGradients(block, m, m.randomNormal(in, DataType.FLOAT64), true, () -> null);
        }
    }

    @Test
    void groupsMustDivideChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm block = GroupNorm.builder().optGroups(32).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> block.initialize(m, DataType.FLOAT32, new Shape(1, 48, 4, 4)));
            assertEquals("groups (32) must divide the number of channels (48)", e.getMessage());
        }
        assertEquals("groups must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> GroupNorm.builder().optGroups(0)).getMessage());
    }
}
