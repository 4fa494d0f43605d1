package org.lipreg.certify.onnx;

/**
 * Intermediate values of multi-node patterns that have no IR layer of their own: they become
 * layers when the pattern completes (a half of a tensor and the max of two halves become MaxMin
 * at the {@code Concat}; a group view and its instance norm become a group norm at the reshape
 * back), and any other use of them is refused.
 */
interface Partial {

    /** @return what the value is, for error messages */
    String describe();

    /**
     * Features {@code [start, end)} of a flat value (a {@code Slice} or {@code Split} on axis 1).
     *
     * @param of the value
     * @param start first feature
     * @param end one past the last
     */
    record Part(Chain of, int start, int end) implements Partial {
        @Override
        public String describe() {
            return "a slice of a tensor";
        }
    }

    /**
     * The elementwise max (or min) of two equally long parts of one flat value.
     *
     * @param max max or min
     * @param of the value
     * @param first the first part's start
     * @param second the second part's start
     * @param length the parts' length
     */
    record PairExtreme(boolean max, Chain of, int first, int second, int length) implements Partial {
        @Override
        public String describe() {
            return "the " + (max ? "max" : "min") + " of two slices";
        }
    }

    /**
     * A value reshaped to {@code (batch, groups, rest)}, as exporters write group norm.
     *
     * @param of the value
     * @param groups the groups
     */
    record GroupView(Chain of, int groups) implements Partial {
        @Override
        public String describe() {
            return "a reshape to (batch, groups, rest)";
        }
    }

    /**
     * A group view normalized per group; reshaped back it is a group norm.
     *
     * @param of the value
     * @param groups the groups
     * @param epsilon ε
     * @param scale per channel
     * @param shift per channel
     */
    record GroupNormalized(Chain of, int groups, double epsilon, double[] scale, double[] shift) implements Partial {
        @Override
        public String describe() {
            return "an instance norm of a reshape to (batch, groups, rest)";
        }
    }

    /**
     * A value padded with zeros on both sides of each spatial axis ({@code Pad}), which the next
     * convolution or average pooling takes as its own padding.
     *
     * @param of the value
     * @param padding (height, width)
     */
    record ZeroPadded(Chain of, int[] padding) implements Partial {
        @Override
        public String describe() {
            return "a zero-padded tensor";
        }
    }
}
