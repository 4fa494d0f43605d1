/**
 * Not API: helpers that lipreg's own layers and regularizers share, public only because they are
 * used from other packages and modules of lipreg. They may change or go without notice.
 * {@link org.lipreg.normalization.internal.Ownership} (who closes which array) and
 * {@link org.lipreg.normalization.internal.ConstantArrays} (small arrays cached per layer).
 *
 * <p>Depends on DJL and {@link org.lipreg.normalization.engine} only; any lipreg module may use it.
 */
package org.lipreg.normalization.internal;
