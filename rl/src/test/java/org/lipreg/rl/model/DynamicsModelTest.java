package org.lipreg.rl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;

import java.util.SplittableRandom;

class DynamicsModelTest {

    @Test
    void boundedLogVarianceAndNllMatchTheirFormulas() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] raw = {-50f, -3f, 0f, 0.4f, 2f, 60f};
            float[] y = {0.3f, -1f, 0.5f, 2f, 0f, 1f};
            float[] mu = {0.1f, -0.5f, 0.5f, 1f, 0.2f, -1f};
            NDArray max = m.create(new float[] {0.5f, 0.5f, 0.5f});
            NDArray min = m.create(new float[] {-10f, -10f, -10f});
            NDArray v = GaussianNll.boundedLogVariance(m.create(raw, new Shape(2, 3)), max, min);
            float[] got = v.toFloatArray();
            double expectedLoss = 0;
            for (int i = 0; i < raw.length; i++) {
                double upper = 0.5 - softplus(0.5 - raw[i]);
                double bounded = -10 + softplus(upper + 10);
                assertEquals(bounded, got[i], 1e-5, "raw " + raw[i]);
                // Within the bounds up to the softplus tails (e^{-10}-sized).
                assertTrue(got[i] >= -10 - 1e-3 && got[i] <= 0.5 + 1e-3, "bounded: " + got[i]);
                expectedLoss += ((mu[i] - y[i]) * (mu[i] - y[i]) * Math.exp(-bounded) + bounded) / raw.length;
            }
            expectedLoss += 0.01 * (3 * 0.5 - 3 * -10.0);
            double loss = GaussianNll.loss(m.create(mu, new Shape(2, 3)), v, m.create(y, new Shape(2, 3)), max, min)
                    .getFloat();
            assertEquals(expectedLoss, loss, 1e-4);
        }
    }

    /** s' = s + 0.1 a (per coordinate), r = s₀ − a₀: both variants learn it from random data. */
    @Test
    void bothVariantsLearnSimpleDynamics() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 1000;
        float[] s = new float[2 * n];
        float[] a = new float[2 * n];
        float[] r = new float[n];
        float[] s2 = new float[2 * n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 2; d++) {
                s[2 * i + d] = (float) (2 * random.nextDouble() - 1);
                a[2 * i + d] = (float) (2 * random.nextDouble() - 1);
                s2[2 * i + d] = s[2 * i + d] + 0.1f * a[2 * i + d];
            }
            r[i] = s[2 * i] - a[2 * i];
        }
        TransitionData data = new TransitionData(2, 2, s, a, r, s2);
        for (boolean ensemble : new boolean[] {true, false}) {
            LearnedDynamics.Builder builder = LearnedDynamics.builder().setSizes(2, 2).optHidden(32, 32)
                    .optTraining(600, 64).optSeed(2);
            try (LearnedDynamics model = (ensemble ? builder.ensemble(2, 1) : builder.single()).build()) {
                double heldOut = model.train(data, new SplittableRandom(5));
                assertTrue(heldOut < 0.05, (ensemble ? "ensemble" : "single") + " held-out MSE " + heldOut);
                float[] probe = {0.3f, -0.2f};
                float[] act = {0.4f, -0.6f};
                double meanReward = 0;
                double meanNext = 0;
                int draws = 200;
                for (int k = 0; k < draws; k++) {
                    DynamicsModel.Prediction p = model.predict(probe, act, new SplittableRandom(k));
                    meanReward += p.rewards()[0] / draws;
                    meanNext += p.nextStates()[0] / draws;
                }
                assertEquals(0.3 - 0.4, meanReward, 0.1);
                assertEquals(0.3 + 0.04, meanNext, 0.03);
                assertEquals(1, model.elites().length);
            }
        }
    }

    /** A rollout stops where the terminal rule fires; the transition into it is kept, marked. */
    @Test
    void rolloutsStopAtTerminalStates() {
        // A fake model: the state's first coordinate grows by 0.1 per step, reward 1.
        DynamicsModel climb = new DynamicsModel() {
            @Override
            public double train(TransitionData data, SplittableRandom random) {
                return 0;
            }

            @Override
            public Prediction predict(float[] states, float[] actions, SplittableRandom random) {
                float[] next = states.clone();
                for (int i = 0; i < next.length; i += 2) {
                    next[i] += 0.1f;
                }
                return new Prediction(new float[states.length / 2], next);
            }

            @Override
            public void save(java.io.DataOutputStream out) {} // stateless

            @Override
            public void load(java.io.DataInputStream in) {}

            @Override
            public void close() {}
        };
        Termination flag = Termination.of("MountainCarContinuous-v0");
        try (SacAgent agent = SacAgent.builder().setSizes(2, 1).optHidden(4).build()) {
            ReplayBuffer buffer = new ReplayBuffer(100, 2, 1);
            // Positions 0.22 and −1.0, velocity 0: the first reaches 0.45 after 3 steps.
            int added = ModelRollouts.run(agent, climb, new float[] {0.22f, 0f, -1f, 0f}, 5, flag, buffer,
                    new SplittableRandom(1));
            assertEquals(3 + 5, added);
            ReplayBuffer.Batch all = buffer.all();
            int terminals = 0;
            for (int i = 0; i < all.size(); i++) {
                boolean terminal = all.terminals()[i] == 1f;
                terminals += terminal ? 1 : 0;
                assertEquals(all.nextObservations()[2 * i] >= 0.45f, terminal, "row " + i);
            }
            assertEquals(1, terminals);
        }
    }

    private static double softplus(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    }
}
