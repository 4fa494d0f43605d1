package org.lipreg.normalization.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

/**
 * Runs a computation whose intermediates would otherwise outlive it.
 *
 * <p>An op's result belongs to the manager of its first operand, so arithmetic on a parameter
 * array (reshaping a scale, standardizing a weight) leaves its results in the model's manager —
 * a leak on every step. Here the intermediates are closed when the computation ends and only the
 * result survives, handed to the manager that should own it (usually the input's, which the
 * caller closes with the batch). Closing intermediates does not disturb autograd: the engine's
 * graph keeps its own references to what backward needs.
 */
public final class Ownership {

    private Ownership() {}

    /**
     * Computes an array, closes every array created on the way, and attaches the result to a
     * manager.
     *
     * @param owner the manager that will own the result
     * @param computation what to compute
     * @return the result, owned by {@code owner}
     */
    public static NDArray computeInto(NDManager owner, Supplier<NDArray> computation) {
        NDArray result;
        try (NDScope scope = new NDScope()) {
            result = computation.get();
            NDScope.unregister(result);
            scope.suppressNotUsedWarning();
        }
        result.attach(owner);
        return result;
    }
}
