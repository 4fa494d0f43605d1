/**
 * Engine utilities, not normalization: {@link org.lipreg.normalization.engine.Scalars} (numbers as
 * arrays of an operand's type and device, so that backward sees no float64 and no CPU scalar).
 * Blocks and losses written on DJL's PyTorch engine should do their scalar arithmetic through it.
 *
 * <p>Depends on DJL only. Every package and module of lipreg may use it; it lives in the lowest
 * module so that all of them can.
 */
package org.lipreg.normalization.engine;
