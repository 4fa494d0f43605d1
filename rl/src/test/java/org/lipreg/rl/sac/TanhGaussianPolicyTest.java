package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

class TanhGaussianPolicyTest {

    /**
     * The density of a = tanh(u) must integrate to one over (−1, 1): the change-of-variables
     * term is what makes it so. Integrated in u-space with da = (1 − tanh² u) du, evaluating
     * the policy's own log π at noise values that put u on a grid.
     */
    @Test
    void squashedDensityIntegratesToOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block network = Mlp.of(new int[] {3}, 2);
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            TanhGaussianPolicy policy = new TanhGaussianPolicy(network, 1, manager);
            NDArray obs = manager.create(new float[] {0.4f, -0.3f}, new Shape(1, 2));
            ParameterStore store = new ParameterStore(manager, false);
            float[] out = network.forward(store, new ai.djl.ndarray.NDList(obs), false).singletonOrThrow()
                    .toFloatArray();
            double mean = out[0];
            double std = Math.exp(Math.max(-20, Math.min(2, out[1])));
            int steps = 4000;
            double lo = mean - 8 * std;
            double h = 16 * std / steps;
            float[] noise = new float[steps + 1];
            for (int i = 0; i <= steps; i++) {
                noise[i] = (float) ((lo + i * h - mean) / std);
            }
            NDArray observations = obs.repeat(0, steps + 1);
            TanhGaussianPolicy.Sample sample = policy.sample(store, observations, false,
                    manager.create(noise, new Shape(steps + 1, 1)));
            float[] logProb = sample.logProb().toFloatArray();
            float[] action = sample.action().toFloatArray();
            double integral = 0;
            for (int i = 0; i <= steps; i++) {
                double u = mean + std * noise[i];
                double da = 1 - Math.tanh(u) * Math.tanh(u);
                double weight = i == 0 || i == steps ? 0.5 : 1;
                integral += weight * Math.exp(logProb[i]) * da * h;
                assertTrue(Math.abs(action[i]) <= 1);
            }
            assertEquals(1, integral, 1e-3);
        }
    }
}
