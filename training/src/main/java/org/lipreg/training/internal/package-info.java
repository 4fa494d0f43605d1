/**
 * Not API: helpers that lipreg's own modules share, public only because they are used from other
 * packages and modules of lipreg. They may change or go without notice.
 * {@link org.lipreg.training.internal.AtomicFiles} (write a temporary file, then rename it over
 * the target, so that no reader sees a half-written file).
 *
 * <p>Depends on the JDK only; any lipreg module may use it.
 */
package org.lipreg.training.internal;
