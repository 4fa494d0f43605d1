package org.lipreg.normalization.ws;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

/**
 * A 1-d convolution with weight-standardized filters. Input {@code (N, Cin, L)}, weight {@code
 * (Cout, Cin/groups, k)}.
 */
public final class WeightStandardizedConv1d extends WeightStandardizedBlock {

    private final long kernel;
    private final long stride;
    private final long padding;
    private final long dilation;
    private final int filters;
    private final int groups;

    private WeightStandardizedConv1d(Builder b) {
        super(b);
        kernel = b.kernel;
        stride = b.stride;
        padding = b.padding;
        dilation = b.dilation;
        filters = b.filters;
        groups = b.groups;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDArray apply(NDArray input, NDArray w, NDArray b) {
        return Conv1d.conv1d(input, w, b, new Shape(stride), new Shape(padding), new Shape(dilation), groups)
                .singletonOrThrow();
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long inChannels = inputShapes[0].get(1);
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must divide the input channels (" + inChannels + ")");
        }
        weight.setShape(new Shape(filters, inChannels / groups, kernel));
        if (bias != null) {
            bias.setShape(new Shape(filters));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        long size = inputs[0].get(2) + 2 * padding - dilation * (kernel - 1) - 1;
        return new Shape[] {new Shape(inputs[0].get(0), filters, size / stride + 1)};
    }

    /** Builds a {@link WeightStandardizedConv1d}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private long kernel;
        private long stride = 1;
        private long padding;
        private long dilation = 1;
        private int filters;
        private int groups = 1;

        Builder() {}

        /**
         * Sets the kernel size.
         *
         * @param kernel at least 1
         * @return this builder
         */
        public Builder setKernelSize(int kernel) {
            this.kernel = positive("kernelSize", kernel);
            return this;
        }

        /**
         * Sets the number of output channels.
         *
         * @param filters at least 1
         * @return this builder
         */
        public Builder setFilters(int filters) {
            this.filters = positive("filters", filters);
            return this;
        }

        /**
         * Sets the stride (default 1).
         *
         * @param stride at least 1
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = positive("stride", stride);
            return this;
        }

        /**
         * Sets the zero padding per side (default 0).
         *
         * @param padding at least 0
         * @return this builder
         */
        public Builder optPadding(int padding) {
            if (padding < 0) {
                throw new IllegalArgumentException("padding must be at least 0, got " + padding);
            }
            this.padding = padding;
            return this;
        }

        /**
         * Sets the dilation (default 1).
         *
         * @param dilation at least 1
         * @return this builder
         */
        public Builder optDilation(int dilation) {
            this.dilation = positive("dilation", dilation);
            return this;
        }

        /**
         * Sets the number of groups (default 1).
         *
         * @param groups at least 1
         * @return this builder
         */
        public Builder optGroups(int groups) {
            this.groups = positive("groups", groups);
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         */
        public WeightStandardizedConv1d build() {
            if (kernel == 0 || filters == 0) {
                throw new IllegalArgumentException("kernelSize and filters are required");
            }
            if (filters % groups != 0) {
                throw new IllegalArgumentException("groups (" + groups + ") must divide filters (" + filters + ")");
            }
            return new WeightStandardizedConv1d(this);
        }
    }
}
