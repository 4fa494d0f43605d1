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
     * Builds the same network with every linear layer spectrally normalized to σ = {@code target}
     * (one power iteration per training forward), so the network is {@code target^layers}-Lipschitz
     * in ℓ2 up to the power iteration's estimate: the Lipschitz-regularized critic of the
     * model-based RL claim. With target 1 the critic cannot change by more than the state does,
     * which is tight for returns in the hundreds; a larger target loosens the bound.
     *
     * @param hidden the hidden widths
     * @param outputs the output width
     * @param target σ of every layer
     * @return the uninitialized block
     */
    public static SequentialBlock spectrallyNormalized(int[] hidden, int outputs, float target) {
        SequentialBlock block = new SequentialBlock();
        for (int width : hidden) {
            block.add(normalized(width, target));
            block.add(Activation.reluBlock());
        }
        block.add(normalized(outputs, target));
        return block;
    }

    private static SpectrallyNormalized normalized(int units, float target) {
        return SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(units).build()).optTarget(target).build();
    }
}
