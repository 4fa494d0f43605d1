// Forward and backward time of one small MLP step in the engine lipreg runs on (DJL 0.36, libtorch
// 2.7.1): 4 -> 256 -> 256 -> 1 with ReLU, batch 256, loss mean(y^2); the backward is one call into
// libtorch, so it times libtorch's kernels, not lipreg's ops. Peer: mlp_step_torch.py (the same
// step in PyTorch eager). Usage (repo root, after ./lipreg --version built experiments/target/lib):
//   OMP_NUM_THREADS=1 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp "experiments/target/lib/*" experiments/scripts/MlpStepDjl.java
import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.nn.*;
import ai.djl.nn.core.Linear;
import ai.djl.training.*;
import ai.djl.training.initializer.XavierInitializer;

public class MlpStepDjl {
    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(1).build());
            net.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, new Shape(256, 4));
            NDArray x = m.randomNormal(new Shape(256, 4));
            ParameterStore store = new ParameterStore(m, false);
            for (int round = 0; round < 4; round++) {
                int steps = round == 0 ? 50 : 300; // round 0 warms up
                long forward = 0;
                long backward = 0;
                for (int i = 0; i < steps; i++) {
                    try (NDManager step = m.newSubManager();
                            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        // The input in the step's manager: every op's result joins its first
                        // operand's manager, so with x in m the activations would pile up there and
                        // each step would write to fresh pages (400 page faults a step).
                        NDArray input = x.duplicate();
                        input.attach(step);
                        long t0 = System.nanoTime();
                        NDArray loss = net.forward(store, new NDList(input), true).singletonOrThrow().square().mean();
                        long t1 = System.nanoTime();
                        collector.backward(loss);
                        long t2 = System.nanoTime();
                        forward += t1 - t0;
                        backward += t2 - t1;
                    }
                }
                if (round > 0) {
                    System.out.printf("djl libtorch %s forward %.3f ms backward %.3f ms%n", Engine.getInstance().getVersion(),
                            forward / 1e6 / steps, backward / 1e6 / steps);
                }
            }
        }
    }
}
