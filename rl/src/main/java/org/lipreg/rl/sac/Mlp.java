package org.lipreg.rl.sac;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import org.lipreg.training.regularizer.SpectrallyNormalized;

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

    /**
     * Builds the same network with every linear layer spectrally normalized (σ = 1, one power
     * iteration per training forward), so the network is 1-Lipschitz in ℓ2 up to the power
     * iteration's estimate: the Lipschitz-regularized critic of the model-based RL claim.
     *
     * @param hidden the hidden widths
     * @param outputs the output width
     * @return the uninitialized block
     */
    public static SequentialBlock spectrallyNormalized(int[] hidden, int outputs) {
        SequentialBlock block = new SequentialBlock();
        for (int width : hidden) {
            block.add(SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(width).build()).build());
            block.add(Activation.reluBlock());
        }
        block.add(SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(outputs).build()).build());
        return block;
    }
}
