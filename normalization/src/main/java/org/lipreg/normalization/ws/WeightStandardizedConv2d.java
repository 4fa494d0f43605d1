package org.lipreg.normalization.ws;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-d convolution whose filters are weight-standardized ({@link WeightStandardization}); meant
 * to be followed by a normalization layer (GN, BCN). Input {@code (N, Cin, H, W)}, weight
 * {@code (Cout, Cin/groups, kh, kw)}.
 */
public final class WeightStandardizedConv2d extends WeightStandardizedBlock {

    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;
    private final int filters;
    private final int groups;

    private WeightStandardizedConv2d(Builder b) {
        super(b);
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.filters = b.filters;
        this.groups = b.groups;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the kernel shape.
     *
     * @return the kernel shape (height, width)
     */
    public Shape getKernelShape() {
        return kernel;
    }

    /**
     * Returns the number of output channels.
     *
     * @return the filters
     */
    public int getFilters() {
        return filters;
    }

    /**
     * Returns the stride.
     *
     * @return the stride (height, width)
     */
    public Shape getStride() {
        return stride;
    }

    /**
     * Returns the zero padding on each side.
     *
     * @return the padding (height, width)
     */
    public Shape getPadding() {
        return padding;
    }

    /**
     * Returns the dilation.
     *
     * @return the dilation (height, width)
     */
    public Shape getDilation() {
        return dilation;
    }

    /**
     * Returns the number of groups.
     *
     * @return the groups
     */
    public int getGroups() {
        return groups;
    }

    @Override
    protected NDArray apply(NDArray input, NDArray w, NDArray b) {
        return Conv2d.conv2d(input, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long inChannels = inputShapes[0].get(1);
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must divide the input channels (" + inChannels + ")");
        }
        weight.setShape(new Shape(filters, inChannels / groups, kernel.get(0), kernel.get(1)));
        if (bias != null) {
            bias.setShape(new Shape(filters));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            long size = in.get(2 + i) + 2 * padding.get(i) - dilation.get(i) * (kernel.get(i) - 1) - 1;
            out[i] = size / stride.get(i) + 1;
        }
        return new Shape[] {new Shape(in.get(0), filters, out[0], out[1])};
    }

    /** Builds a {@link WeightStandardizedConv2d}; the settings mirror DJL's {@code Conv2d}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Shape kernel;
        private Shape stride = new Shape(1, 1);
        private Shape padding = new Shape(0, 0);
        private Shape dilation = new Shape(1, 1);
        private int filters;
        private int groups = 1;

        Builder() {}

        /**
         * Sets the kernel shape (kh, kw).
         *
         * @param kernel the kernel shape
         * @return this builder
         */
        public Builder setKernelShape(Shape kernel) {
            dims("kernelShape", kernel, 2, 1);
            this.kernel = kernel;
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
         * Sets the stride (default (1, 1)).
         *
         * @param stride the stride
         * @return this builder
         */
        public Builder optStride(Shape stride) {
            dims("stride", stride, 2, 1);
            this.stride = stride;
            return this;
        }

        /**
         * Sets the zero padding per side (default (0, 0)).
         *
         * @param padding the padding
         * @return this builder
         */
        public Builder optPadding(Shape padding) {
            dims("padding", padding, 2, 0);
            this.padding = padding;
            return this;
        }

        /**
         * Sets the dilation (default (1, 1)).
         *
         * @param dilation the dilation
         * @return this builder
         */
        public Builder optDilation(Shape dilation) {
            dims("dilation", dilation, 2, 1);
            this.dilation = dilation;
            return this;
        }

        /**
         * Sets the number of groups (default 1).
         *
         * @param groups at least 1, dividing the input channels
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
        public WeightStandardizedConv2d build() {
            if (kernel == null || filters == 0) {
                throw new IllegalArgumentException("kernelShape and filters are required");
            }
            if (filters % groups != 0) {
                throw new IllegalArgumentException("groups (" + groups + ") must divide filters (" + filters + ")");
            }
            return new WeightStandardizedConv2d(this);
        }
    }
}
