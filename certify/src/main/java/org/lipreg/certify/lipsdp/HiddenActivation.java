package org.lipreg.certify.lipsdp;

/**
 * The activation of one hidden layer of a {@link DenseChain}, with the quadratic constraint
 * LipSDP uses for it (see {@link LipSdpMatrix}).
 */
public sealed interface HiddenActivation {

    /**
     * ReLU or leaky ReLU {@code max(v, slope·v)}: slope-restricted in {@code [slope, 1]}, the
     * standard LipSDP-Neuron constraint (one multiplier per neuron).
     *
     * @param slope the negative slope, 0 for ReLU
     */
    record Relu(double slope) implements HiddenActivation {
        /**
         * Checks the slope.
         *
         * @param slope the negative slope, 0 for ReLU
         */
        public Relu {
            if (!(slope >= 0 && slope <= 1)) {
                throw new IllegalArgumentException("ReLU slope must be in [0, 1], got " + slope);
            }
        }
    }

    /**
     * MaxMin: consecutive pairs {@code (v_a, v_b)} mapped to {@code (max, min)} (GroupSort of size
     * 2), with the constraint of Pauli et al. (ICLR 2024): two multipliers per pair.
     */
    record MaxMin() implements HiddenActivation {}
}
