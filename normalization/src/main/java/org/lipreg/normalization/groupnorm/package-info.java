/**
 * Normalization over groups of channels: {@link org.lipreg.normalization.groupnorm.GroupNorm}
 * and {@link org.lipreg.normalization.groupnorm.BatchChannelNorm} (a group-norm step, then a
 * batch step with micro-batch estimates).
 *
 * <p>Depends on DJL, {@link org.lipreg.normalization.engine}, {@link org.lipreg.normalization.internal} and
 * {@link org.lipreg.normalization.hook} (BCN updates its estimates once a step).
 */
package org.lipreg.normalization.groupnorm;
