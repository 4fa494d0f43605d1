package org.lipreg.certify.lipschitz;

/** How the backward (Clarke-gradient) graph is bounded once the forward masks are known. */
enum GradientMethod {
    /** Interval arithmetic through the gradient graph. */
    INTERVAL,
    /** Linear bounds, with the constant interval where a gate's input crosses zero (RecurJac). */
    RECURJAC,
    /** Linear bounds with the chord relaxation at every gate and at the final |·| (Shi et al.). */
    LINEAR
}
