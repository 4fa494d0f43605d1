/**
 * Weight standardization: conv and linear layers whose weights are standardized per output
 * channel on every forward pass, and the standardization itself.
 *
 * <p>Depends on DJL, {@link org.lipreg.normalization.engine} and {@link org.lipreg.normalization.internal}; {@code training} (spectral
 * penalties read the standardized weight) and {@code certify} depend on it.
 */
package org.lipreg.normalization.ws;
