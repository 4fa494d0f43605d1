package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * One step of linear bound propagation through a node: coefficients for each of its inputs (or,
 * in the Jacobian graph, for its output gradient) and the constant the step adds. A null
 * coefficient means the propagation stops there (the node was bounded by intervals).
 *
 * @param coefficients one entry per input, {@code (D, R, size)} each, or null
 * @param constant {@code (D, R)}, or null for none
 */
public record Step(NDArray[] coefficients, NDArray constant) {}
