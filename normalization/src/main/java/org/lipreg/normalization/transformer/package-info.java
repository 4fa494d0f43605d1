/**
 * A causal transformer language model and its parts (attention, blocks, the norm choices
 * layer norm, token batch norm and PowerNorm), to compare normalizations in language modelling.
 *
 * <p>Depends on DJL, {@link org.lipreg.normalization.engine}, {@link org.lipreg.normalization.internal} and
 * {@link org.lipreg.normalization.powernorm}; nothing in this module depends on it.
 */
package org.lipreg.normalization.transformer;
