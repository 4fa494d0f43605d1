/**
 * The per-step contract between stateful layers (or regularizers) and the training runner:
 * {@link org.lipreg.normalization.hook.StepHook}, its context, and how a model's hooks are found.
 *
 * <p>Depends on DJL only; stateful layers of this module and the {@code training} runner use it.
 */
package org.lipreg.normalization.hook;
