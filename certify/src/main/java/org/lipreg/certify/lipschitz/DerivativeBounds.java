package org.lipreg.certify.lipschitz;

/**
 * Bounds on every input derivative {@code ∂(c_j·f)/∂x_i} over the box and the Clarke set.
 *
 * @param lower {@code [spec][input]}
 * @param upper {@code [spec][input]}
 */
public record DerivativeBounds(double[][] lower, double[][] upper) {}
