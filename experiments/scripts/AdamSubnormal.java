// One Adam step on a flat array of 67,330 floats (a 256x256 SAC critic), DJL 0.36's own adamUpdate
// against lipreg's AdamOptimizer, when a fraction of the weights get gradients of 1e-20: their g²
// and variance are subnormal floats, as an unused unit's variance becomes while it decays (0.999^t).
// libtorch 2.7's sqrt takes ~30x as long on subnormals; lipreg takes it of max(v, (1e-8 eps)^2).
// With an npz of a checkpoint's Adam state (adam_state_subnormals.py --npz), it times instead one
// DJL adamUpdate per network on that state (gradients of 1e-3 where v is a normal float, 0 where it
// is subnormal or 0: those weights had no gradient for ~65,000 steps),
// as it is and after lipreg's raise of v to its floor (1e-32 for eps 1e-8).
// Usage (repo root, after ./lipreg --version built experiments/target/lib):
//   OMP_NUM_THREADS=1 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp "experiments/target/lib/*" experiments/scripts/AdamSubnormal.java [STATE.npz]
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.tracker.Tracker;

import org.lipreg.training.optimizer.AdamOptimizer;

public class AdamSubnormal {
    public static void main(String[] args) throws java.io.IOException {
        if (args.length > 0) {
            timeCheckpointState(java.nio.file.Path.of(args[0]));
            return;
        }
        Shape shape = new Shape(67_330);
        for (double fraction : new double[] {0, 0.05, 0.3}) {
            try (NDManager m = NDManager.newBaseManager()) {
                // Gradients of 1e-3, except 1e-20 on the chosen fraction of the weights.
                NDArray tiny = m.randomUniform(0, 1, shape).lt(fraction).toType(DataType.FLOAT32, false);
                NDArray grad = m.randomUniform(-1e-3f, 1e-3f, shape).mul(tiny.neg().add(1)).add(tiny.mul(1e-20f));
                NDArray djlWeight = m.randomUniform(-1, 1, shape);
                NDArray lipregWeight = djlWeight.duplicate();
                NDArray mean = m.zeros(shape);
                NDArray variance = m.zeros(shape);
                AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(3e-4f)).build();
                for (int round = 0; round < 3; round++) {
                    long djl = 0;
                    long lipreg = 0;
                    int steps = 300;
                    for (int i = 0; i < steps; i++) {
                        long t0 = System.nanoTime();
                        djlAdamStep(djlWeight, grad, mean, variance);
                        long t1 = System.nanoTime();
                        adam.update("w", lipregWeight, grad);
                        long t2 = System.nanoTime();
                        djl += t1 - t0;
                        lipreg += t2 - t1;
                    }
                    if (round > 0) { // round 0 warms up
                        System.out.printf("subnormal fraction %.2f: DJL adamUpdate %.1f us, lipreg Adam %.1f us per step%n",
                                fraction, djl / 1e3 / steps, lipreg / 1e3 / steps);
                    }
                }
            }
        }
    }

    /** DJL's own Adam step: lr 3e-4 (bias correction left out), betas 0.9/0.999, eps 1e-8. */
    private static void djlAdamStep(NDArray weight, NDArray grad, NDArray mean, NDArray variance) {
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, mean, variance), new NDList(weight),
                3e-4f, 3e-4f, 0f, 1f, -1f, 0.9f, 0.999f, 1e-8f, true, false);
    }

    private static void timeCheckpointState(java.nio.file.Path npz) throws java.io.IOException {
        try (NDManager m = NDManager.newBaseManager();
                java.io.InputStream in = java.nio.file.Files.newInputStream(npz)) {
            NDList state = NDList.decode(m, in);
            for (int k = 0; state.get("m" + k) != null; k++) {
                for (boolean floor : new boolean[] {false, true, false, true}) {
                    long total = 0;
                    int steps = 0;
                    for (int round = 0; round < 5; round++) {
                        // Fresh copies each round: the state decays as it is stepped.
                        NDArray mean = state.get("m" + k).duplicate();
                        NDArray variance = state.get("v" + k).duplicate();
                        if (floor) {
                            variance.intern(variance.maximum(1e-32f));
                        }
                        NDArray grad = m.randomUniform(-1e-3f, 1e-3f, mean.getShape()).mul(state.get("v" + k).gte(Float.MIN_NORMAL));
                        NDArray weight = m.randomUniform(-1, 1, mean.getShape());
                        for (int i = 0; i < 40; i++) {
                            long t0 = System.nanoTime();
                            djlAdamStep(weight, grad, mean, variance);
                            if (round > 0) {
                                total += System.nanoTime() - t0;
                                steps++;
                            }
                        }
                        for (NDArray a : new NDArray[] {mean, variance, grad, weight}) {
                            a.close();
                        }
                    }
                    System.out.printf("network %d (%d floats), v %s: %.1f us per Adam step%n", k, state.get("m" + k).size(),
                            floor ? "raised to the floor" : "as saved", total / 1e3 / steps);
                }
            }
        }
    }
}
