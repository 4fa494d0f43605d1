package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** Small DJL classifiers for the counterfactual tests. */
final class Models {

    private Models() {}

    /**
     * A linear classifier with given weights: logits = W x + b.
     *
     * @param manager owns the parameters
     * @param w rows of W, one per class
     * @param b the bias
     * @return the initialized block
     */
    static SequentialBlock linear(NDManager manager, float[][] w, float[] b) {
        Linear linear = Linear.builder().setUnits(w.length).build();
        SequentialBlock block = new SequentialBlock().add(linear);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, w[0].length));
        float[] flat = new float[w.length * w[0].length];
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w[i], 0, flat, i * w[0].length, w[0].length);
        }
        linear.getParameters().get("weight").getArray().set(flat);
        linear.getParameters().get("bias").getArray().set(b);
        return block;
    }

    /**
     * A random ReLU network {@code in → hidden → hidden → classes} (DJL's default initialization,
     * seeded by the engine's seed).
     *
     * @param manager owns the parameters
     * @param in inputs
     * @param hidden hidden width
     * @param classes outputs
     * @return the initialized block
     */
    static SequentialBlock relu(NDManager manager, int in, int hidden, int classes) {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, in));
        return block;
    }
}
