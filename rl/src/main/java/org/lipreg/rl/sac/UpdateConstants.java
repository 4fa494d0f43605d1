package org.lipreg.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.lipreg.normalization.engine.Scalars;

import java.util.HashMap;
import java.util.Map;

/**
 * The numbers an update multiplies and adds (γ, τ, 1 − τ, ½, the target entropy, the policy's
 * log-density terms) as engine-owned 0-dim float32 arrays, each made once and kept for the
 * owner's life. Passing a Java number instead makes a fresh scalar tensor at every use: 34 per
 * SAC update, a measurable share of a small network's step. Engine-owned, like {@link Scalars}'s,
 * so autograd may keep them for the backward pass.
 */
final class UpdateConstants {

    private final NDManager manager;
    private final Map<Float, NDArray> arrays = new HashMap<>();

    /**
     * Keeps the constants in a manager that lives as long as their user.
     *
     * @param manager the owner's manager; closing it frees the constants
     */
    UpdateConstants(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Returns the constant, made on first use.
     *
     * @param value the number, as float32 holds it (as a Java number passed to the engine would be)
     * @return a 0-dim float32 array; do not close it
     */
    NDArray of(double value) {
        return arrays.computeIfAbsent((float) value, v -> Scalars.of(manager, v, DataType.FLOAT32));
    }
}
