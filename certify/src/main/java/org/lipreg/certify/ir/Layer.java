package org.lipreg.certify.ir;

import java.util.List;

/**
 * One layer of the certification IR. Every layer here is affine, a piecewise-linear activation,
 * or a residual sum of two such chains: the set that bound propagation handles exactly. Shapes
 * are per example, without the batch axis, and values are laid out channel-major as in DJL.
 */
public sealed interface Layer {

    /**
     * A fully connected layer {@code y = W x + b} on a flat input.
     *
     * @param weight {@code (out, in)}
     * @param bias {@code (out)}
     */
    record Dense(Tensor weight, Tensor bias) implements Layer {
        /**
         * Checks the shapes.
         *
         * @param weight {@code (out, in)}
         * @param bias {@code (out)}
         */
        public Dense {
            if (weight.shape().length != 2 || bias.shape().length != 1 || bias.dim(0) != weight.dim(0)) {
                throw new IllegalArgumentException("dense: weight must be (out, in) and bias (out), got "
                        + weight + " and " + bias);
            }
        }
    }

    /**
     * A 2-d convolution, as DJL's {@code Conv2d} computes it.
     *
     * @param weight {@code (out, in/groups, kh, kw)}
     * @param bias {@code (out)}
     * @param stride (height, width)
     * @param padding zeros on each side (height, width)
     * @param dilation (height, width)
     * @param groups the groups
     */
    record Conv2d(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups)
            implements Layer {
        /**
         * Checks the shapes.
         *
         * @param weight {@code (out, in/groups, kh, kw)}
         * @param bias {@code (out)}
         * @param stride (height, width)
         * @param padding zeros on each side (height, width)
         * @param dilation (height, width)
         * @param groups the groups
         */
        public Conv2d {
            if (weight.shape().length != 4 || bias.shape().length != 1 || bias.dim(0) != weight.dim(0)) {
                throw new IllegalArgumentException("conv2d: weight must be (out, in/groups, kh, kw) and bias (out), got "
                        + weight + " and " + bias);
            }
            if (stride.length != 2 || padding.length != 2 || dilation.length != 2 || groups < 1) {
                throw new IllegalArgumentException("conv2d: stride, padding and dilation need 2 values, groups ≥ 1");
            }
            stride = stride.clone();
            padding = padding.clone();
            dilation = dilation.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Conv2d c && weight.equals(c.weight) && bias.equals(c.bias)
                    && java.util.Arrays.equals(stride, c.stride) && java.util.Arrays.equals(padding, c.padding)
                    && java.util.Arrays.equals(dilation, c.dilation) && groups == c.groups;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(weight, bias, java.util.Arrays.hashCode(stride), groups);
        }
    }

    /**
     * Max pooling over 2-d windows; padded positions never win (PyTorch's and DJL's rule).
     *
     * @param kernel (height, width)
     * @param stride (height, width)
     * @param padding (height, width)
     */
    record MaxPool2d(int[] kernel, int[] stride, int[] padding) implements Layer {
        /**
         * Copies the arrays.
         *
         * @param kernel (height, width)
         * @param stride (height, width)
         * @param padding (height, width)
         */
        public MaxPool2d {
            if (kernel.length != 2 || stride.length != 2 || padding.length != 2) {
                throw new IllegalArgumentException("max pooling: kernel, stride and padding need 2 values");
            }
            kernel = kernel.clone();
            stride = stride.clone();
            padding = padding.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaxPool2d p && java.util.Arrays.equals(kernel, p.kernel)
                    && java.util.Arrays.equals(stride, p.stride) && java.util.Arrays.equals(padding, p.padding);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(kernel) * 31 + java.util.Arrays.hashCode(stride);
        }
    }

    /**
     * Group normalization at inference: each example's channels split into {@code groups}
     * groups, each group normalized by its own mean and variance, {@code y = scale_c·(x −
     * μ)/√(σ² + ε) + shift_c}. Batch-channel norm at inference is a {@link ChannelAffine} (its
     * running statistics) followed by this; instance norm is this with one channel per group.
     * Per-example statistics make it nonlinear.
     *
     * @param groups G, dividing the channels
     * @param epsilon ε &gt; 0
     * @param scale {@code (channels)}
     * @param shift {@code (channels)}
     */
    record GroupNorm(int groups, double epsilon, Tensor scale, Tensor shift) implements Layer {
        /**
         * Checks the values.
         *
         * @param groups G
         * @param epsilon ε
         * @param scale {@code (channels)}
         * @param shift {@code (channels)}
         */
        public GroupNorm {
            if (groups < 1 || !(epsilon > 0)) {
                throw new IllegalArgumentException("group norm: groups must be ≥ 1 and epsilon > 0, got " + groups
                        + " and " + epsilon);
            }
            if (scale.shape().length != 1 || !java.util.Arrays.equals(scale.shape(), shift.shape())) {
                throw new IllegalArgumentException("group norm: scale and shift must both be (channels)");
            }
            if (scale.dim(0) % groups != 0) {
                throw new IllegalArgumentException("group norm: groups (" + groups + ") must divide the channels ("
                        + scale.dim(0) + ")");
            }
        }
    }

    /**
     * Average pooling over 2-d windows, counting padded zeros (DJL's default).
     *
     * @param kernel (height, width)
     * @param stride (height, width)
     * @param padding (height, width)
     */
    record AvgPool2d(int[] kernel, int[] stride, int[] padding) implements Layer {
        /**
         * Copies the arrays.
         *
         * @param kernel (height, width)
         * @param stride (height, width)
         * @param padding (height, width)
         */
        public AvgPool2d {
            kernel = kernel.clone();
            stride = stride.clone();
            padding = padding.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AvgPool2d p && java.util.Arrays.equals(kernel, p.kernel)
                    && java.util.Arrays.equals(stride, p.stride) && java.util.Arrays.equals(padding, p.padding);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(kernel) * 31 + java.util.Arrays.hashCode(stride);
        }
    }

    /**
     * A per-channel affine map {@code y_c = scale_c x_c + shift_c}: batch norm in inference
     * form where it could not be folded into a neighbouring layer.
     *
     * @param scale {@code (channels)}
     * @param shift {@code (channels)}
     */
    record ChannelAffine(Tensor scale, Tensor shift) implements Layer {
        /**
         * Checks the shapes.
         *
         * @param scale {@code (channels)}
         * @param shift {@code (channels)}
         */
        public ChannelAffine {
            if (scale.shape().length != 1 || !java.util.Arrays.equals(scale.shape(), shift.shape())) {
                throw new IllegalArgumentException("channel affine: scale and shift must both be (channels)");
            }
        }
    }

    /**
     * ReLU, or leaky ReLU {@code max(x, slope·x)} with {@code 0 ≤ slope ≤ 1}.
     *
     * @param negativeSlope 0 for ReLU
     */
    record Relu(double negativeSlope) implements Layer {
        /**
         * Checks the slope.
         *
         * @param negativeSlope 0 for ReLU
         */
        public Relu {
            if (!(negativeSlope >= 0 && negativeSlope <= 1)) {
                throw new IllegalArgumentException("leaky ReLU slope must be in [0, 1], got " + negativeSlope);
            }
        }
    }

    /**
     * GroupSort on axis 0 (channels): consecutive groups of {@code size} sorted in descending
     * order; MaxMin is size 2.
     *
     * @param size the group size
     */
    record GroupSort(int size) implements Layer {
        /**
         * Checks the size.
         *
         * @param size the group size
         */
        public GroupSort {
            if (size < 2) {
                throw new IllegalArgumentException("group size must be at least 2, got " + size);
            }
        }
    }

    /**
     * The Householder activation on axis 0 (channels): consecutive pairs z kept if {@code uᵀz > 0},
     * else reflected to {@code (I − 2uuᵀ)z}, with {@code u = (cos θ, sin θ)}.
     *
     * @param angle θ
     */
    record Householder(double angle) implements Layer {
        /**
         * Checks the angle.
         *
         * @param angle θ
         */
        public Householder {
            if (!Double.isFinite(angle)) {
                throw new IllegalArgumentException("Householder angle must be finite, got " + angle);
            }
        }

        /** @return {@code max(1, |cos 2θ| + |sin 2θ|)}: the ℓ∞ operator norm of the reflection, or 1 */
        public double linfNorm() {
            return Math.max(1, Math.abs(Math.cos(2 * angle)) + Math.abs(Math.sin(2 * angle)));
        }
    }

    /** Flattens to one axis (a no-op on the channel-major layout). */
    record Flatten() implements Layer {}

    /**
     * {@code y = body(x) + shortcut(x)}; an empty shortcut is the identity.
     *
     * @param body the residual branch
     * @param shortcut the shortcut branch, empty for identity
     */
    record Residual(List<Layer> body, List<Layer> shortcut) implements Layer {
        /**
         * Copies the lists.
         *
         * @param body the residual branch
         * @param shortcut the shortcut branch, empty for identity
         */
        public Residual {
            body = List.copyOf(body);
            shortcut = List.copyOf(shortcut);
        }
    }
}
