/**
 * Activations that are 1-Lipschitz and gradient-norm preserving:
 * {@link org.lipreg.normalization.activation.GroupSort} (sorted groups of channels), its
 * pairwise case MaxMin, and {@link org.lipreg.normalization.activation.HouseholderActivation}
 * (each pair kept or reflected by a learnable Householder reflection).
 *
 * <p>Depends on DJL, {@link org.lipreg.normalization.engine} and {@link org.lipreg.normalization.internal}.
 */
package org.lipreg.normalization.activation;
