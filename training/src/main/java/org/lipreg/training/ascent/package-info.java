/**
 * Projected gradient ascent over a ball around an input: the one loop behind the adversarial
 * smoothness penalty, the SAC critic penalty and T-Rex counterfactuals. Depends only on DJL and
 * {@code org.lipreg.normalization}; any module from {@code training} up may use it.
 */
package org.lipreg.training.ascent;
