package org.lipreg.normalization.ws;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * A fully connected layer with weight-standardized rows, on the last axis like DJL's {@code
 * Linear}: input {@code (…, in)}, weight {@code (units, in)}.
 */
public final class WeightStandardizedLinear extends WeightStandardizedBlock {

    private final int units;

    private WeightStandardizedLinear(Builder b) {
        super(b);
        units = b.units;
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
        return Linear.linear(input, w, b).singletonOrThrow();
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        weight.setShape(new Shape(units, in.get(in.dimension() - 1)));
        if (bias != null) {
            bias.setShape(new Shape(units));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(units)};
    }

    /** Builds a {@link WeightStandardizedLinear}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private int units;

        Builder() {}

        /**
         * Sets the number of outputs.
         *
         * @param units at least 1
         * @return this builder
         */
        public Builder setUnits(int units) {
            this.units = positive("units", units);
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
        public WeightStandardizedLinear build() {
            if (units == 0) {
                throw new IllegalArgumentException("units is required");
            }
            return new WeightStandardizedLinear(this);
        }
    }
}
