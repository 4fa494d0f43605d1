/**
 * Stable counterfactual explanations (DESIGN §4.5, Hamman et al. 2023): the stability measure
 * {@link org.lipreg.certify.counterfactual.Stability} with its Lipschitz form, the base
 * counterfactual search {@link org.lipreg.certify.counterfactual.MinimumCostCounterfactual} and
 * the T-Rex:I search {@link org.lipreg.certify.counterfactual.TRex}.
 */
package org.lipreg.certify.counterfactual;
