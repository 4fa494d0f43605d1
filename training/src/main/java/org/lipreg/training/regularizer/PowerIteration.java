package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The persistent vectors of power iteration for one layer's largest singular value.
 *
 * <p>One iteration on the detached weight: {@code v ← Aᵀu/‖Aᵀu‖}, {@code u ← Av/‖Av‖}. Then
 * {@code σ = ⟨u, A(W) v⟩} with u and v held fixed is differentiable in W with gradient {@code
 * u vᵀ} (for a matrix). The vectors persist across steps, so one iteration per step suffices
 * once they have converged (Miyato et al.).
 */
public final class PowerIteration {

    private final LayerOperator operator;
    private final NDManager manager;
    private NDArray u;
    private NDArray v;

    PowerIteration(LayerOperator operator, NDManager manager, long seed) {
        this.operator = operator;
        this.manager = manager;
        // Deterministic start: the engine's generator must not be consumed here, or adding a
        // regularizer would change the model's initialization and dropout.
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] start = new float[(int) operator.outputShape().size()];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) random.nextGaussian();
        }
        NDArray raw = manager.create(start, operator.outputShape());
        u = raw.div(raw.norm());
        raw.close();
        v = manager.zeros(operator.inputShape());
    }

    /**
     * Runs iterations on the detached weight, updating u and v.
     *
     * @param weight the current weight (not modified; no gradient is recorded)
     * @param iterations how many iterations
     */
    void iterate(NDArray weight, int iterations) {
        try (NDScope scope = new NDScope()) {
            NDArray w = weight.stopGradient();
            NDArray[] uv = operator.powerIterate(w, cast(u, w), iterations);
            replace(uv[0], uv[1]);
            scope.suppressNotUsedWarning();
        }
    }

    /**
     * Runs iterations and returns σ differentiable in the weight, with the last iteration's
     * product shared with σ ({@link LayerOperator#powerIterateWithSigma}). Unlike {@link
     * #iterate}, the intermediates belong to the caller's scope, which must exist.
     *
     * @param weight the live weight
     * @param iterations how many iterations, at least 1
     * @return σ, a scalar of the caller's scope
     */
    NDArray iterateWithSigma(NDArray weight, int iterations) {
        NDArray[] uvs = operator.powerIterateWithSigma(weight, cast(u, weight), iterations);
        replace(uvs[0], uvs[1]);
        return uvs[2];
    }

    private void replace(NDArray newU, NDArray newV) {
        NDArray oldU = u;
        NDArray oldV = v;
        // Fresh arrays of the scope: keep them (a float64 model's vectors are stored as float32).
        u = newU.getDataType() == DataType.FLOAT32 ? newU : newU.toType(DataType.FLOAT32, true);
        v = newV.getDataType() == DataType.FLOAT32 ? newV : newV.toType(DataType.FLOAT32, true);
        NDScope.unregister(u, v);
        u.attach(manager);
        v.attach(manager);
        oldU.close();
        oldV.close();
    }

    /**
     * Returns {@code σ = ⟨u, A(W) v⟩}, differentiable in W (u and v are constants).
     *
     * @param weight the weight, as used in the forward pass
     * @return a scalar in the weight's manager
     */
    NDArray sigma(NDArray weight) {
        return operator.bilinear(weight, cast(u, weight), cast(v, weight));
    }

    private static NDArray cast(NDArray vector, NDArray like) {
        return vector.getDataType() == like.getDataType() ? vector : vector.toType(like.getDataType(), true);
    }

    /**
     * Returns the left vector (output space).
     *
     * @return u
     */
    public NDArray left() {
        return u;
    }

    /**
     * Returns the right vector (input space).
     *
     * @return v
     */
    public NDArray right() {
        return v;
    }

    void save(DataOutputStream out) throws IOException {
        for (NDArray array : new NDArray[] {u, v}) {
            byte[] bytes = array.encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    void load(DataInputStream in) throws IOException {
        NDArray[] loaded = new NDArray[2];
        for (int i = 0; i < 2; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            loaded[i] = manager.decode(bytes);
        }
        if (!loaded[0].getShape().equals(operator.outputShape()) || !loaded[1].getShape().equals(operator.inputShape())) {
            throw new IOException("power-iteration vectors of shapes " + loaded[0].getShape() + ", " + loaded[1].getShape()
                    + " do not fit the layer (" + operator.outputShape() + ", " + operator.inputShape() + ")");
        }
        u.close();
        v.close();
        u = loaded[0];
        v = loaded[1];
    }
}
