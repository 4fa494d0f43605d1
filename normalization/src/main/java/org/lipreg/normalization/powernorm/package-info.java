/**
 * PowerNorm: batch normalization for token sequences with running quadratic means and an
 * approximate backward.
 *
 * <p>Depends on DJL, {@link org.lipreg.normalization.engine}, {@link org.lipreg.normalization.internal} and
 * {@link org.lipreg.normalization.hook}; the {@link org.lipreg.normalization.transformer} package
 * uses it.
 */
package org.lipreg.normalization.powernorm;
