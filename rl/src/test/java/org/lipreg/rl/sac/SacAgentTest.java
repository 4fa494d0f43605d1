package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * SAC's update on a tiny fixed batch against a direct double-precision computation of its
 * losses from the networks' outputs, finite-difference gradient signs, and the Polyak update.
 */
class SacAgentTest {

    private static final int OBS = 2;
    private static final int ACT = 1;
    private static final int N = 4;
    private static final double GAMMA = 0.9;
    private static final double TAU = 0.1;
    private static final double LR = 1e-3;

    private static final float[] S = {0.1f, -0.2f, 0.5f, 0.3f, -0.7f, 0.2f, 0.0f, 0.9f};
    private static final float[] A = {0.3f, -0.5f, 0.9f, 0.0f};
    private static final float[] R = {1.0f, -0.5f, 0.2f, 0.0f};
    private static final float[] S2 = {0.2f, -0.1f, 0.4f, 0.35f, -0.6f, 0.1f, 0.1f, 0.8f};
    private static final float[] D = {0f, 0f, 1f, 0f};
    private static final float[] TARGET_NOISE = {0.3f, -1.2f, 0.5f, 0.8f};
    private static final float[] ACTOR_NOISE = {-0.4f, 0.7f, 1.1f, -0.2f};

    private static SacAgent agent() {
        return SacAgent.builder().setSizes(OBS, ACT).optHidden(5).optGamma(GAMMA).optTau(TAU).optLearningRate(LR)
                .optInitialAlpha(0.5).optSeed(3).build();
    }

    private static ReplayBuffer.Batch batch() {
        return new ReplayBuffer.Batch(N, S, A, R, S2, D);
    }

    @Test
    void lossesMatchADirectComputation() {
        try (SacAgent agent = agent()) {
            Block[] q = agent.critics();
            Block[] qt = agent.targetCritics();
            double alpha = agent.alpha();
            double[][] target = policySample(agent, S2, TARGET_NOISE);
            double[][] actorSample = policySample(agent, S, ACTOR_NOISE);
            double[] q1t = critic(qt[0], S2, target[0]);
            double[] q2t = critic(qt[1], S2, target[0]);
            double[] q1 = critic(q[0], S, toDouble(A));
            double[] q2 = critic(q[1], S, toDouble(A));
            double l1 = 0;
            double l2 = 0;
            for (int i = 0; i < N; i++) {
                double y = R[i] + GAMMA * (1 - D[i]) * (Math.min(q1t[i], q2t[i]) - alpha * target[1][i]);
                l1 += (q1[i] - y) * (q1[i] - y) / N;
                l2 += (q2[i] - y) * (q2[i] - y) / N;
            }
            double alphaLoss = 0;
            for (int i = 0; i < N; i++) {
                alphaLoss -= Math.log(alpha) * (actorSample[1][i] - ACT) / N;
            }

            SacAgent.Losses losses = agent.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            assertEquals(0.5 * (l1 + l2), losses.critic(), 1e-5 * Math.max(1, Math.abs(l1 + l2)));
            assertEquals(alphaLoss, losses.alphaLoss(), 1e-5);
            assertEquals(alpha, losses.alpha(), 1e-7);
            // The actor step sees the critics after their step (the actor does not move them).
            double[] q1a = critic(q[0], S, actorSample[0]);
            double[] q2a = critic(q[1], S, actorSample[0]);
            double actor = 0;
            for (int i = 0; i < N; i++) {
                actor += (alpha * actorSample[1][i] - Math.min(q1a[i], q2a[i])) / N;
            }
            assertEquals(actor, losses.actor(), 1e-5 * Math.max(1, Math.abs(actor)));
        }
    }

    @Test
    void targetsArePolyakAveragedAndGradientsAreClearedAfterTheUpdate() {
        try (SacAgent agent = agent()) {
            List<float[]> before = values(agent.targetCritics()[0]);
            agent.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            List<float[]> online = values(agent.critics()[0]);
            List<float[]> after = values(agent.targetCritics()[0]);
            for (int p = 0; p < before.size(); p++) {
                for (int j = 0; j < before.get(p).length; j++) {
                    assertEquals(TAU * online.get(p)[j] + (1 - TAU) * before.get(p)[j], after.get(p)[j], 1e-6);
                }
            }
            String[] names = {"actor", "q1", "q2"};
            FlatParameters[] learned = agent.learnedParameters();
            for (int k = 0; k < learned.length; k++) {
                try (NDArray g = learned[k].values().getGradient()) {
                    assertEquals(0f, g.abs().max().getFloat(), "stale gradient in " + names[k]);
                }
            }
        }
    }

    /**
     * The actor step differentiates through the critics' input (the action) but not their
     * weights: their gradients stay zero without being cleared, the actor moves, and the critics
     * still learn in the next update (their weights are unfrozen again).
     */
    @Test
    void actorStepComputesNoCriticWeightGradients() {
        try (SacAgent agent = agent(); NDManager m = NDManager.newBaseManager()) {
            agent.update(batch(), TARGET_NOISE, ACTOR_NOISE); // leaves every gradient zero (see above)
            Block pi = agent.policy().network();
            List<float[]> policyBefore = values(pi);
            agent.actorStep(new ParameterStore(m, false), m.create(S, new Shape(N, OBS)),
                    m.create(ACTOR_NOISE, new Shape(N, ACT)),
                    m.create(new float[] {(float) agent.alpha()}));
            for (int k = 1; k <= 2; k++) {
                try (NDArray g = agent.learnedParameters()[k].values().getGradient()) {
                    assertEquals(0f, g.abs().max().getFloat(), "critic " + k + " gradient from the actor step");
                }
            }
            assertTrue(changed(policyBefore, values(pi)), "the actor step moved the actor");
            List<float[]> criticBefore = values(agent.critics()[0]);
            agent.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            assertTrue(changed(criticBefore, values(agent.critics()[0])), "the critic step still moves the critic");
        }
    }

    /**
     * With spectrally normalized critics the targets' power-iteration vectors (state, not learned)
     * follow the online critics' after an update, copied in place, while the learned weights are
     * averaged.
     */
    @Test
    void spectralCriticsTargetsFollowTheirPowerIterationVectors() {
        try (SacAgent agent = SacAgent.builder().setSizes(OBS, ACT).optHidden(5).optTau(TAU).optSeed(3)
                .optCritic(() -> Mlp.spectrallyNormalized(new int[] {5}, 1, 2f)).build()) {
            List<float[]> before = values(agent.targetCritics()[0]);
            agent.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            var online = agent.critics()[0].getParameters();
            var target = agent.targetCritics()[0].getParameters();
            int state = 0;
            for (int i = 0; i < online.size(); i++) {
                float[] o = online.get(i).getValue().getArray().toFloatArray();
                float[] t = target.get(i).getValue().getArray().toFloatArray();
                if (online.get(i).getValue().requiresGradient()) {
                    for (int j = 0; j < o.length; j++) {
                        assertEquals(TAU * o[j] + (1 - TAU) * before.get(i)[j], t[j], 1e-6, online.get(i).getKey());
                    }
                } else {
                    assertArrayEquals(o, t, online.get(i).getKey());
                    state++;
                }
            }
            assertEquals(4, state, "u and v of both layers");
        }
    }

    private static boolean changed(List<float[]> before, List<float[]> after) {
        for (int p = 0; p < before.size(); p++) {
            if (!java.util.Arrays.equals(before.get(p), after.get(p))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adam's first step moves each weight by about −lr·sign(∂loss/∂w): the critics must move
     * against the finite-difference gradient of the critic loss, the actor against that of the
     * actor loss (with the critics as they are after their step).
     */
    @Test
    void eachNetworkDescendsItsOwnLoss() {
        try (SacAgent agent = agent()) {
            double[][] target = policySample(agent, S2, TARGET_NOISE);
            double alpha = agent.alpha();
            Block[] qt = agent.targetCritics();
            double[] y = new double[N];
            double[] q1t = critic(qt[0], S2, target[0]);
            double[] q2t = critic(qt[1], S2, target[0]);
            for (int i = 0; i < N; i++) {
                y[i] = R[i] + GAMMA * (1 - D[i]) * (Math.min(q1t[i], q2t[i]) - alpha * target[1][i]);
            }
            Block q1 = agent.critics()[0];
            double[] criticGradient = finiteDifference(q1, () -> {
                double[] q = critic(q1, S, toDouble(A));
                double l = 0;
                for (int i = 0; i < N; i++) {
                    l += 0.5 * (q[i] - y[i]) * (q[i] - y[i]) / N;
                }
                return l;
            });
            Block pi = agent.policy().network();
            double[][] actorSample = policySample(agent, S, ACTOR_NOISE);
            double alphaGradient = 0; // ∂/∂log α of −mean(log α (log π + target)), target = −dim(A)
            for (int i = 0; i < N; i++) {
                alphaGradient -= (actorSample[1][i] - ACT) / N;
            }
            List<float[]> policyBefore = values(pi);
            List<float[]> criticBefore = values(q1);

            agent.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            assertMovesAgainst(criticGradient, criticBefore, values(q1), "critic");
            assertEquals(-LR * Math.signum(alphaGradient), Math.log(agent.alpha()) - Math.log(alpha), 0.05 * LR,
                    "log alpha");

            List<float[]> policyAfter = values(pi);
            setValues(pi, policyBefore);
            Block q2 = agent.critics()[1];
            double[] actorGradient = finiteDifference(pi, () -> {
                double[][] sample = policySample(agent, S, ACTOR_NOISE);
                double[] a1 = critic(q1, S, sample[0]);
                double[] a2 = critic(q2, S, sample[0]);
                double l = 0;
                for (int i = 0; i < N; i++) {
                    l += (alpha * sample[1][i] - Math.min(a1[i], a2[i])) / N;
                }
                return l;
            });
            assertMovesAgainst(actorGradient, policyBefore, policyAfter, "actor");
        }
    }

    /** With λ = 0 the penalty changes nothing; its δ stays in the ball and beats random ones. */
    @Test
    void adversarialPenaltyAtZeroWeightIsInertAndItsAscentFindsLargerChanges() {
        try (SacAgent plain = agent();
                SacAgent penalized = SacAgent.builder().setSizes(OBS, ACT).optHidden(5).optGamma(GAMMA).optTau(TAU)
                        .optLearningRate(LR).optInitialAlpha(0.5).optSeed(3)
                        .optCriticPenalty(new AdversarialCriticPenalty(0.1, 0, 3)).build()) {
            SacAgent.Losses a = plain.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            SacAgent.Losses b = penalized.update(batch(), TARGET_NOISE, ACTOR_NOISE);
            assertEquals(a.critic(), b.critic(), 1e-6);
            List<float[]> qa = values(plain.critics()[0]);
            List<float[]> qb = values(penalized.critics()[0]);
            for (int p = 0; p < qa.size(); p++) {
                for (int j = 0; j < qa.get(p).length; j++) {
                    assertEquals(qa.get(p)[j], qb.get(p)[j], 1e-6);
                }
            }
        }
        double eps = 0.1;
        try (SacAgent agent = SacAgent.builder().setSizes(OBS, ACT).optHidden(16).optSeed(4)
                .optCriticPenalty(new AdversarialCriticPenalty(eps, 1, 5)).build();
                NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(S, new Shape(N, OBS));
            NDArray a = m.create(A, new Shape(N, ACT));
            ParameterStore store = new ParameterStore(m, false);
            float[] delta = agent.adversarialDelta(store, s, a).toFloatArray();
            double adversarial = change(agent, delta);
            java.util.Random random = new java.util.Random(1);
            double best = 0;
            for (int trial = 0; trial < 50; trial++) {
                float[] d = new float[delta.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (eps * (2 * random.nextDouble() - 1));
                }
                best = Math.max(best, change(agent, d));
            }
            for (float v : delta) {
                assertTrue(Math.abs(v) <= eps + 1e-7, "delta " + v + " outside the ball");
            }
            assertTrue(adversarial >= best, "ascent " + adversarial + " < best of 50 random " + best);
        }
    }

    /**
     * The ascent against a plain double loop: each row's change (Q_1(s + δ, a) − Q_1(s, a))²
     * depends on its own δ row only, so the sign of its gradient is that of the change times
     * ∂Q_1/∂s (central differences of the network's outputs); same random start (engine seed).
     */
    @Test
    void adversarialDeltaMatchesAPlainSignAscent() {
        double eps = 0.1;
        int steps = 4;
        try (SacAgent agent = SacAgent.builder().setSizes(OBS, ACT).optHidden(16).optSeed(4)
                .optCriticPenalty(new AdversarialCriticPenalty(eps, 1, steps)).build();
                NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(S, new Shape(N, OBS));
            NDArray a = m.create(A, new Shape(N, ACT));
            ai.djl.engine.Engine.getInstance().setRandomSeed(21);
            float[] start = m.randomUniform((float) -eps, (float) eps, s.getShape()).toFloatArray();
            ai.djl.engine.Engine.getInstance().setRandomSeed(21);
            float[] actual = agent.adversarialDelta(new ParameterStore(m, false), s, a).toFloatArray();
            Block q1 = agent.critics()[0];
            double[] q0 = critic(q1, S, toDouble(A));
            double[] d = toDouble(start);
            double a0 = 2.5 * eps / steps;
            double h = 1e-2;
            for (int k = 0; k < steps; k++) {
                float[] shifted = shift(S, d);
                double[] q = critic(q1, shifted, toDouble(A));
                double[] step = new double[d.length];
                for (int j = 0; j < d.length; j++) {
                    float[] up = shifted.clone();
                    float[] down = shifted.clone();
                    up[j] += (float) h;
                    down[j] -= (float) h;
                    int row = j / OBS;
                    double dq = (critic(q1, up, toDouble(A))[row] - critic(q1, down, toDouble(A))[row]) / (2 * h);
                    step[j] = Math.signum((q[row] - q0[row]) * dq);
                }
                for (int j = 0; j < d.length; j++) {
                    d[j] = Math.max(-eps, Math.min(eps, d[j] + a0 * step[j]));
                }
            }
            for (int j = 0; j < d.length; j++) {
                assertEquals(d[j], actual[j], 1e-6, "δ[" + j + "]");
            }
        }
    }

    private static float[] shift(float[] s, double[] d) {
        float[] out = s.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) d[i];
        }
        return out;
    }

    /** Σ (Q_1(s + δ, a) − Q_1(s, a))² over the batch, in double from the network's outputs. */
    private static double change(SacAgent agent, float[] delta) {
        float[] shifted = S.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += delta[i];
        }
        double[] q0 = critic(agent.critics()[0], S, toDouble(A));
        double[] q1 = critic(agent.critics()[0], shifted, toDouble(A));
        double sum = 0;
        for (int i = 0; i < N; i++) {
            sum += (q1[i] - q0[i]) * (q1[i] - q0[i]);
        }
        return sum;
    }

    private static void assertMovesAgainst(double[] gradient, List<float[]> before, List<float[]> after, String what) {
        int k = 0;
        int checked = 0;
        for (int p = 0; p < before.size(); p++) {
            for (int j = 0; j < before.get(p).length; j++, k++) {
                double step = after.get(p)[j] - before.get(p)[j];
                if (Math.abs(gradient[k]) > 1e-3) {
                    assertEquals(-LR * Math.signum(gradient[k]), step, 0.05 * LR, what + " weight " + k);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 5, what + ": only " + checked + " weights with a clear gradient");
    }

    private static double[] finiteDifference(Block block, java.util.function.DoubleSupplier loss) {
        List<float[]> base = values(block);
        List<Double> out = new ArrayList<>();
        double h = 1e-2;
        for (int p = 0; p < base.size(); p++) {
            for (int j = 0; j < base.get(p).length; j++) {
                List<float[]> plus = copy(base);
                plus.get(p)[j] += (float) h;
                setValues(block, plus);
                double up = loss.getAsDouble();
                List<float[]> minus = copy(base);
                minus.get(p)[j] -= (float) h;
                setValues(block, minus);
                double down = loss.getAsDouble();
                out.add((up - down) / (2 * h));
            }
        }
        setValues(block, base);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {actions, log-probabilities} of the policy with given noise, computed here in double. */
    private static double[][] policySample(SacAgent agent, float[] s, float[] noise) {
        float[] out = forward(agent.policy().network(), s, OBS);
        double[] action = new double[N];
        double[] logProb = new double[N];
        for (int i = 0; i < N; i++) {
            double mean = out[2 * i];
            double logStd = Math.max(-20, Math.min(2, out[2 * i + 1]));
            double u = mean + Math.exp(logStd) * noise[i];
            action[i] = Math.tanh(u);
            logProb[i] = -0.5 * noise[i] * noise[i] - logStd - 0.5 * Math.log(2 * Math.PI)
                    - Math.log(1 - Math.tanh(u) * Math.tanh(u));
        }
        return new double[][] {action, logProb};
    }

    private static double[] critic(Block q, float[] s, double[] a) {
        float[] input = new float[N * (OBS + ACT)];
        for (int i = 0; i < N; i++) {
            input[i * 3] = s[2 * i];
            input[i * 3 + 1] = s[2 * i + 1];
            input[i * 3 + 2] = (float) a[i];
        }
        return toDouble(forward(q, input, OBS + ACT));
    }

    private static float[] forward(Block block, float[] input, int width) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(input, new Shape(input.length / width, width));
            return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        }
    }

    private static List<float[]> values(Block block) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void setValues(Block block, List<float[]> values) {
        int i = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            // In place: the arrays are views of the network's flat array (set(float[]) would detach them).
            NDArray array = p.getValue().getArray();
            try (NDArray value = array.getManager().create(values.get(i++), array.getShape())) {
                array.set(new ai.djl.ndarray.index.NDIndex("..."), value);
            }
        }
    }

    private static List<float[]> copy(List<float[]> values) {
        List<float[]> out = new ArrayList<>();
        values.forEach(v -> out.add(v.clone()));
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
