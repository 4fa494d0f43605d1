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
     * The Householder activation: each pair z kept if {@code uᵀz > 0}, else reflected to
     * {@code (I − 2uuᵀ)z}, {@code u = (cos θ, sin θ)}; per pair {@code Λ = λI + γ u⊥u⊥ᵀ} (see
     * {@link LipSdpMatrix}).
     *
     * @param angle θ
     */
    record Householder(double angle) implements HiddenActivation {

        /** @return {@code u⊥ = (−sin θ, cos θ)}, the direction the activation keeps */
        public double[] kept() {
            return new double[] {-Math.sin(angle), Math.cos(angle)};
        }
    }

    /**
     * No activation: a dense layer whose output a residual block reads ({@code z_k = v_k}). It has
     * no coordinates and no multipliers in {@link LipSdpMatrix}.
     */
    record Identity() implements HiddenActivation {}

    /**
     * GroupSort: consecutive groups of {@code size} sorted in descending order; MaxMin is size 2
     * ({@code (v_a, v_b) ↦ (max, min)}). The constraint of Pauli et al. (ICLR 2024), two
     * multipliers per group, {@code Λ = λI + γ11ᵀ} (see {@link LipSdpMatrix}).
     *
     * @param size the group size, at least 2
     */
    record GroupSort(int size) implements HiddenActivation {

        /** MaxMin, GroupSort of size 2. */
        public static final GroupSort MAX_MIN = new GroupSort(2);

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

        /** @return whether this is MaxMin (size 2) */
        public boolean maxMin() {
            return size == 2;
        }
    }
}
