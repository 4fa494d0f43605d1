package org.lipreg.rl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.lipreg.rl.sac.Mlp;
import org.lipreg.training.optimizer.AdamOptimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A training step of the whole ensemble (the members' losses summed, one backward pass, one Adam
 * step of the flat parameter array and one of the bounds) moves every member exactly as training
 * it alone does: a separate network with its own bounds, its own backward pass and Adam per
 * parameter array, on the same batch.
 */
class EnsembleTrainStepTest {

    private static final int OBS = 2;
    private static final int ACT = 1;
    private static final int OUT = 1 + OBS;
    private static final int ROWS = 8;
    private static final int MEMBERS = 3;
    private static final float LR = 1e-2f;

    @Test
    void theProbabilisticEnsembleStepIsEachMembersOwnStep() {
        check(true);
    }

    @Test
    void theSingleNetworkStepIsItsOwnStep() {
        check(false);
    }

    private static void check(boolean probabilistic) {
        LearnedDynamics.Builder builder = LearnedDynamics.builder().setSizes(OBS, ACT).optHidden(6, 5)
                .optLearningRate(LR).optSeed(4);
        int members = probabilistic ? MEMBERS : 1;
        try (LearnedDynamics model = (probabilistic ? builder.ensemble(MEMBERS, 2) : builder.single()).build();
                NDManager m = NDManager.newBaseManager()) {
            // The references: a copy of each member, its bounds, Adam per parameter array.
            List<Block> nets = new ArrayList<>();
            List<NDArray[]> bounds = new ArrayList<>();
            for (int k = 0; k < members; k++) {
                Block net = Mlp.of(new int[] {6, 5}, probabilistic ? 2 * OUT : OUT);
                net.initialize(m, DataType.FLOAT32, new Shape(1, OBS + ACT));
                var from = model.members().get(k).getParameters();
                var to = net.getParameters();
                for (int i = 0; i < from.size(); i++) {
                    to.get(i).getValue().getArray().set(from.get(i).getValue().getArray().toFloatArray());
                }
                nets.add(net);
                NDArray max = m.full(new Shape(OUT), 0.5f);
                NDArray min = m.full(new Shape(OUT), -10f);
                max.setRequiresGradient(true);
                min.setRequiresGradient(true);
                bounds.add(new NDArray[] {max, min});
            }
            AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(LR)).build();
            SplittableRandom random = new SplittableRandom(9);
            for (int step = 1; step <= 3; step++) {
                float[][] xs = new float[members][ROWS * (OBS + ACT)];
                float[][] ys = new float[members][ROWS * OUT];
                for (int k = 0; k < members; k++) {
                    fill(xs[k], random);
                    fill(ys[k], random);
                }
                model.trainStep(xs, ys, ROWS);
                for (int k = 0; k < members; k++) {
                    referenceStep(nets.get(k), bounds.get(k), adam, k, xs[k], ys[k], probabilistic, m);
                    assertSame(nets.get(k), model.members().get(k), "step " + step + ", member " + k);
                    if (probabilistic) {
                        for (int which = 0; which < 2; which++) {
                            assertClose(bounds.get(k)[which].toFloatArray(),
                                    model.bounds().get(k, which).toFloatArray(),
                                    "step " + step + ", member " + k + ", bound " + which);
                        }
                    }
                }
            }
        }
    }

    private static void referenceStep(Block net, NDArray[] b, AdamOptimizer adam, int k, float[] x, float[] y,
            boolean probabilistic, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            NDArray input = m.create(x, new Shape(ROWS, OBS + ACT));
            NDArray target = m.create(y, new Shape(ROWS, OUT));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray raw = net.forward(new ParameterStore(m, false), new NDList(input), true).singletonOrThrow();
                NDArray loss;
                if (probabilistic) {
                    NDArray logVariance = GaussianNll.boundedLogVariance(raw.get(":, " + OUT + ":"), b[0], b[1]);
                    loss = GaussianNll.loss(raw.get(":, :" + OUT), logVariance, target, b[0], b[1]);
                } else {
                    loss = raw.sub(target).square().mean();
                }
                c.backward(loss);
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray w = p.getValue().getArray();
                try (NDArray g = w.getGradient()) {
                    adam.update(p.getValue().getId(), w, g);
                }
            }
            if (probabilistic) {
                for (int which = 0; which < 2; which++) {
                    try (NDArray g = b[which].getGradient()) {
                        adam.update("bound-" + k + "-" + which, b[which], g);
                    }
                }
            }
        }
    }

    private static void assertSame(Block expected, Block actual, String what) {
        var e = expected.getParameters();
        var a = actual.getParameters();
        for (int i = 0; i < e.size(); i++) {
            assertClose(e.get(i).getValue().getArray().toFloatArray(), a.get(i).getValue().getArray().toFloatArray(),
                    what + " " + e.get(i).getKey());
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    private static void fill(float[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1.5, 1.5);
        }
    }
}
