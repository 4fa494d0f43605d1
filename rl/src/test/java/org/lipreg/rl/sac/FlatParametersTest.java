package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.lipreg.training.optimizer.AdamOptimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One Adam step over a network's flat parameter array is the per-parameter step it replaces, and
 * both are Adam as a plain float64 loop computes it from the same gradients; the Polyak average
 * over flat arrays is the float64 average; the network's parameter arrays stay views of the flat
 * array.
 */
class FlatParametersTest {

    private static final int IN = 3;
    private static final int ROWS = 6;
    private static final double LR = 1e-2;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private static Block net(NDManager m) {
        Block block = Mlp.of(new int[] {5, 4}, 2);
        block.initialize(m, DataType.FLOAT32, new Shape(1, IN));
        return block;
    }

    private static NDArray loss(Block block, ParameterStore store, NDArray x) {
        NDArray y = block.forward(store, new NDList(x), true).singletonOrThrow();
        return y.square().mean().add(y.sum());
    }

    @Test
    void adamOverTheFlatArrayIsThePerParameterStepAndAFloat64Loop() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block perParameter = net(m);
            Block flat = net(m);
            copy(perParameter, flat);
            FlatParameters flatParameters = new FlatParameters(flat, true);
            AdamOptimizer oldAdam = adam();
            AdamOptimizer newAdam = adam();
            SplittableRandom random = new SplittableRandom(4);
            // The float64 reference follows the per-parameter run's gradients.
            double[] w = toDouble(concat(perParameter));
            double[] first = new double[w.length];
            double[] second = new double[w.length];
            for (int t = 1; t <= 4; t++) {
                float[] xs = new float[ROWS * IN];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = (float) random.nextDouble(-2, 2);
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(xs, new Shape(ROWS, IN));
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(loss(perParameter, new ParameterStore(step, false), x));
                    }
                    double[] g = new double[w.length];
                    int k = 0;
                    for (Pair<String, Parameter> p : perParameter.getParameters()) {
                        NDArray weight = p.getValue().getArray();
                        try (NDArray grad = weight.getGradient()) {
                            for (float v : grad.toFloatArray()) {
                                g[k++] = v;
                            }
                            oldAdam.update(p.getValue().getId(), weight, grad);
                        }
                    }
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(loss(flat, new FlatParameters.Store(step, flatParameters), x));
                    }
                    NDArray values = flatParameters.values();
                    try (NDArray grad = values.getGradient()) {
                        assertArrayEquals(toFloat(g), grad.toFloatArray(), 1e-6f, "flat gradient at step " + t);
                        newAdam.update("net", values, grad);
                    }
                    double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
                    for (int i = 0; i < w.length; i++) {
                        first[i] = BETA1 * first[i] + (1 - BETA1) * g[i];
                        second[i] = BETA2 * second[i] + (1 - BETA2) * g[i] * g[i];
                        w[i] -= LR * correction * first[i] / (Math.sqrt(second[i]) + EPS);
                    }
                }
                float[] old = concat(perParameter);
                assertArrayEquals(old, flatParameters.values().toFloatArray(), 1e-6f, "flat vs per-parameter, step " + t);
                assertArrayEquals(old, concat(flat), 0f, "the parameters are views of the flat array");
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], old[i], 1e-6, "float64 Adam, step " + t + ", weight " + i);
                }
            }
        }
    }

    @Test
    void polyakOverFlatArraysIsTheFloat64Average() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block online = net(m);
            Block target = net(m);
            FlatParameters o = new FlatParameters(online, true);
            FlatParameters t = new FlatParameters(target, false);
            double tau = 0.005;
            double[] expected = toDouble(concat(target));
            double[] source = toDouble(concat(online));
            for (int i = 0; i < expected.length; i++) {
                expected[i] = tau * source[i] + (1 - tau) * expected[i];
            }
            try (NDArray scaled = o.values().mul((float) tau)) {
                t.values().muli((float) (1 - tau)).addi(scaled);
            }
            float[] after = concat(target);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], after[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "weight " + i);
            }
            // Writing a parameter in place (as a checkpoint load does) writes the flat array.
            Parameter first = target.getParameters().get(0).getValue();
            try (NDArray ones = m.ones(first.getArray().getShape())) {
                first.getArray().set(new NDIndex("..."), ones);
            }
            assertEquals(1f, t.values().get("0").getFloat());
        }
    }

    private static AdamOptimizer adam() {
        return AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed((float) LR)).build();
    }

    private static void copy(Block from, Block to) {
        var a = from.getParameters();
        var b = to.getParameters();
        for (int i = 0; i < a.size(); i++) {
            b.get(i).getValue().getArray().set(a.get(i).getValue().getArray().toFloatArray());
        }
    }

    private static float[] concat(Block block) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            parts.add(p.getValue().getArray().toFloatArray());
            n += parts.get(parts.size() - 1).length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, k, part.length);
            k += part.length;
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
