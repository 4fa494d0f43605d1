package org.lipreg.rl.sac;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** The fully connected ReLU networks of the agents. */
public final class Mlp {

    private Mlp() {}

    /**
     * Builds {@code Linear(h1) → ReLU → … → Linear(out)}.
     *
     * @param hidden the hidden widths
     * @param outputs the output width
     * @return the uninitialized block
     */
    public static SequentialBlock of(int[] hidden, int outputs) {
        SequentialBlock block = new SequentialBlock();
        for (int width : hidden) {
            block.add(Linear.builder().setUnits(width).build());
            block.add(Activation.reluBlock());
        }
        block.add(Linear.builder().setUnits(outputs).build());
        return block;
    }
}
