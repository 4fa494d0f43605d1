package org.lipreg.normalization.activation;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

import org.lipreg.normalization.engine.Scalars;
import org.lipreg.normalization.internal.Ownership;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Householder activation (Singla et al., "Improved deterministic ℓ2 robustness on CIFAR-10 and
 * CIFAR-100", ICLR 2022): the channels (axis 1) are taken in consecutive pairs z and each pair
 * becomes {@code z} if {@code uᵀz > 0}, else its reflection {@code (I − 2uuᵀ)z}, with one learnable
 * unit vector {@code u = (cos θ, sin θ)} per layer (the angle keeps it a unit vector).
 *
 * <p>Equivalently {@code z − 2 min(0, uᵀz) u}: in the frame (u, u⊥) the u-component becomes its
 * absolute value and the other is kept, so the map is continuous, piecewise orthogonal and
 * 1-Lipschitz in ℓ2, with an orthogonal Jacobian almost everywhere (gradient-norm preserving).
 * θ starts at −π/4: {@code u ∝ (1, −1)}, the reflection swaps the pair, and the activation is
 * MaxMin.
 *
 * <p>Input {@code (N, C, *)} with C even; one parameter, θ.
 */
public final class HouseholderActivation extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The angle at which the activation is MaxMin. */
    public static final double MAX_MIN_ANGLE = -Math.PI / 4;

    private final Parameter theta;

    /** Creates the activation with θ = {@link #MAX_MIN_ANGLE}. */
    public HouseholderActivation() {
        super(VERSION);
        theta = addParameter(Parameter.builder().setName("theta").setType(Parameter.Type.WEIGHT)
                .optInitializer(new ConstantInitializer((float) MAX_MIN_ANGLE)).optShape(new Shape(1)).build());
    }

    /**
     * Applies the activation with a given angle.
     *
     * @param x input {@code (N, C, *)}, C even
     * @param angle θ, shape {@code (1)}
     * @return the output, same shape
     */
    public static NDArray apply(NDArray x, NDArray angle) {
        Shape shape = x.getShape();
        long channels = shape.get(1);
        if (channels % 2 != 0) {
            throw new IllegalArgumentException("the Householder activation needs an even number of channels, got "
                    + channels);
        }
        NDList pair = x.reshape(new Shape(shape.get(0), channels / 2, 2).addAll(shape.slice(2))).split(2, 2);
        NDArray cos = angle.cos();
        NDArray sin = angle.sin();
        NDArray along = pair.get(0).mul(cos).add(pair.get(1).mul(sin)); // uᵀz
        NDArray twice = Scalars.mul(Scalars.minimum(along, 0), 2); // 2 min(0, uᵀz)
        NDArray first = pair.get(0).sub(twice.mul(cos));
        NDArray second = pair.get(1).sub(twice.mul(sin));
        return NDArrays.concat(new NDList(first, second), 2).reshape(shape);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray angle = store.getValue(theta, x.getDevice(), training);
        return new NDList(Ownership.computeInto(x.getManager(), () -> apply(x, angle)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long channels = inputShapes[0].get(1);
        if (channels % 2 != 0) {
            throw new IllegalArgumentException("the Householder activation needs an even number of channels, got "
                    + channels);
        }
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("HouseholderActivation: saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
    }
}
