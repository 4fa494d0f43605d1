/**
 * A residual connection with an explicit addition, so that {@code certify} can read it.
 *
 * <p>Depends on DJL only.
 */
package org.lipreg.normalization.residual;
