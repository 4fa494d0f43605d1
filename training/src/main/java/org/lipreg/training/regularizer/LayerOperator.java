package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;

import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.training.linalg.ConvTranspose;

/**
 * A layer's weight seen as a linear operator {@code A(W)}: applied to a vector of the input
 * space, and its adjoint applied to a vector of the output space. Both are linear in W, which
 * is what makes {@code σ = ⟨u, A(W) v⟩} have the gradient {@code u vᵀ} (in A's sense) when u and
 * v are held fixed.
 */
abstract class LayerOperator {

    /**
     * Builds the operator of a DJL {@code Linear} or {@code Conv2d}, or of their
     * weight-standardized forms (the operator then acts with the standardized weight, which the
     * caller passes, see {@link WeightLayers#effective}). A matrix operator takes its shape from
     * the weight when the layer has one (a loaded model's recorded input shapes need not be its
     * real inputs) and derives it from the input shape otherwise; the convolution operator needs
     * the input shape.
     *
     * @param layer the layer
     * @param input the layer's input shape, batch axis first
     * @param model for a convolution: reshaped matrix or the convolution itself
     * @return the operator
     */
    static LayerOperator of(Block layer, Shape input, OperatorModel model) {
        if (!WeightLayers.hasOperator(layer)) {
            throw new IllegalArgumentException("no operator for " + layer.getClass().getSimpleName()
                    + " (a Linear or Conv2d, plain or weight-standardized, is needed)");
        }
        if (layer instanceof Conv2d conv && model == OperatorModel.CONV_OPERATOR) {
            return new Convolution(input.slice(1), conv.getKernelShape(), conv.getStride(), conv.getPadding(),
                    conv.getDilation(), conv.getGroups(), conv.getFilters());
        }
        if (layer instanceof WeightStandardizedConv2d conv && model == OperatorModel.CONV_OPERATOR) {
            return new Convolution(input.slice(1), conv.getKernelShape(), conv.getStride(), conv.getPadding(),
                    conv.getDilation(), conv.getGroups(), conv.getFilters());
        }
        Parameter weight = layer.getParameters().get("weight");
        if (weight != null && weight.isInitialized()) {
            return new Matrix(weight.getArray().getShape());
        }
        if (layer instanceof Conv2d conv) {
            Shape kernel = conv.getKernelShape();
            return new Matrix(new Shape(conv.getFilters(), input.get(1) / conv.getGroups(), kernel.get(0), kernel.get(1)));
        }
        if (layer instanceof WeightStandardizedConv2d conv) {
            Shape kernel = conv.getKernelShape();
            return new Matrix(new Shape(conv.getFilters(), input.get(1) / conv.getGroups(), kernel.get(0), kernel.get(1)));
        }
        Shape out = layer.getOutputShapes(new Shape[] {input})[0];
        return new Matrix(new Shape(out.get(out.dimension() - 1), input.get(input.dimension() - 1)));
    }

    /**
     * Runs power iterations on a detached weight from an output-space vector: {@code v ←
     * Aᵀu/‖Aᵀu‖}, {@code u ← Av/‖Av‖}. The intermediates belong to the caller's scope.
     *
     * @param weight the weight, detached from any graph
     * @param u the starting output-space vector
     * @param iterations how many iterations, at least 1
     * @return the new {@code u} and {@code v}, in that order
     */
    NDArray[] powerIterate(NDArray weight, NDArray u, int iterations) {
        return iteratePrepared(prepare(weight), u, iterations);
    }

    /** {@link #powerIterate} on a weight already {@link #prepare prepared}; 0 iterations return u. */
    private NDArray[] iteratePrepared(NDArray w, NDArray u, int iterations) {
        NDArray newU = u;
        NDArray newV = null;
        for (int i = 0; i < iterations; i++) {
            newV = unit(adjoint(w, newU));
            newU = unit(apply(w, newV));
        }
        return new NDArray[] {newU, newV};
    }

    /**
     * Runs power iterations like {@link #powerIterate} and returns σ differentiable in W, fused
     * with the last iteration: its product {@code y = A(W) v} is taken on the live weight, {@code
     * σ = ‖y‖} and {@code u = y/‖y‖}. That σ has the same value as {@code ⟨u, A(W) v⟩} and, as
     * {@code ∂‖y‖/∂y = u}, the same gradient {@code u vᵀ}; it saves {@link #bilinear}'s second
     * product and its backward, which at small batch sizes are a visible part of a step.
     * Intermediates belong to the caller's scope.
     *
     * @param weight the live weight (gradients flow into σ only)
     * @param u the starting output-space vector
     * @param iterations how many iterations, at least 1
     * @return the new {@code u}, the new {@code v} (both detached) and σ, in that order
     */
    NDArray[] powerIterateWithSigma(NDArray weight, NDArray u, int iterations) {
        NDArray detached = prepare(weight.stopGradient());
        NDArray startU = iteratePrepared(detached, u, iterations - 1)[0];
        NDArray v = unit(adjoint(detached, startU));
        NDArray y = apply(prepare(weight), v);
        NDArray sigma = y.norm();
        return new NDArray[] {unit(y.stopGradient()), v, sigma};
    }

    /** The weight in the form {@link #apply} and {@link #adjoint} work on fastest (default: as is). */
    NDArray prepare(NDArray weight) {
        return weight;
    }

    /** {@code x / ‖x‖} over the whole array, guarded against a zero vector. */
    NDArray unit(NDArray x) {
        return x.div(x.norm().add(1e-12));
    }

    /** The shape of a vector of the input space. */
    abstract Shape inputShape();

    /** The shape of a vector of the output space. */
    abstract Shape outputShape();

    /** Computes {@code A(W) v}. */
    abstract NDArray apply(NDArray weight, NDArray v);

    /** Computes {@code A(W)ᵀ u}. */
    abstract NDArray adjoint(NDArray weight, NDArray u);

    /**
     * Computes {@code σ = ⟨u, A(W) v⟩} (differentiable in W; u and v are constants).
     *
     * @param weight the weight
     * @param u an output-space vector
     * @param v an input-space vector
     * @return the scalar
     */
    NDArray bilinear(NDArray weight, NDArray u, NDArray v) {
        return apply(weight, v).mul(u).sum();
    }

    /**
     * The weight reshaped to {@code (rows, columns)}: a dense layer, or a conv in the reshaped
     * model. Vectors stay 1-d and meet the matrix in vector–matrix products, so an iteration is
     * four engine calls: at small batch sizes a training step's cost is the number of calls.
     */
    static final class Matrix extends LayerOperator {
        private final long rows;
        private final long columns;

        Matrix(Shape weightShape) {
            rows = weightShape.get(0);
            columns = weightShape.size() / rows;
        }

        @Override
        Shape inputShape() {
            return new Shape(columns);
        }

        @Override
        Shape outputShape() {
            return new Shape(rows);
        }

        private NDArray matrix(NDArray weight) {
            return weight.getShape().dimension() == 2 ? weight : weight.reshape(rows, columns);
        }

        @Override
        NDArray apply(NDArray weight, NDArray v) {
            return matrix(weight).matMul(v);
        }

        @Override
        NDArray adjoint(NDArray weight, NDArray u) {
            return u.matMul(matrix(weight));
        }

        /** Reshaped once per power iteration, not once per product. */
        @Override
        NDArray prepare(NDArray weight) {
            return matrix(weight);
        }

        /** Vectors are 1-d: one fused call. */
        @Override
        NDArray unit(NDArray x) {
            return x.normalize(2, 0, 1e-12);
        }

        /** {@code uᵀ (W v)}: two products, differentiable in W. */
        @Override
        NDArray bilinear(NDArray weight, NDArray u, NDArray v) {
            return u.matMul(matrix(weight).matMul(v));
        }
    }

    /** A 2-d convolution on inputs of one sample of a given shape. */
    static final class Convolution extends LayerOperator {
        private final Shape input;
        private final Shape output;
        private final Shape stride;
        private final Shape padding;
        private final Shape dilation;
        private final int groups;

        Convolution(Shape inputChw, Shape kernel, Shape stride, Shape padding, Shape dilation, int groups, long filters) {
            this.input = new Shape(1).addAll(inputChw);
            this.stride = stride;
            this.padding = padding;
            this.dilation = dilation;
            this.groups = groups;
            long[] out = new long[2];
            for (int i = 0; i < 2; i++) {
                long span = dilation.get(i) * (kernel.get(i) - 1) + 1;
                out[i] = (inputChw.get(1 + i) + 2 * padding.get(i) - span) / stride.get(i) + 1;
            }
            this.output = new Shape(1, filters, out[0], out[1]);
        }

        @Override
        Shape inputShape() {
            return input;
        }

        @Override
        Shape outputShape() {
            return output;
        }

        @Override
        NDArray apply(NDArray weight, NDArray v) {
            return Conv2d.conv2d(v, weight, null, stride, padding, dilation, groups).singletonOrThrow();
        }

        @Override
        NDArray adjoint(NDArray weight, NDArray u) {
            return ConvTranspose.apply(u, weight, input.get(2), input.get(3), stride, padding, dilation, groups);
        }
    }
}
