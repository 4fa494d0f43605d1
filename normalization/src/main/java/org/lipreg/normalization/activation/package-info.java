/**
 * Activations that are 1-Lipschitz and gradient-norm preserving:
 * {@link org.lipreg.normalization.activation.GroupSort} (sorted groups of channels) and its
 * pairwise case MaxMin.
 *
 * <p>Depends on DJL and {@link org.lipreg.normalization.engine}.
 */
package org.lipreg.normalization.activation;
