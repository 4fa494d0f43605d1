package org.lipreg.certify.smoothing;

/**
 * The choices a certificate is made for, taken on the selection samples only: the predicted
 * class and, for soft smoothing, the simplex map and temperature.
 *
 * @param method the method
 * @param predicted the class to certify
 * @param candidate the soft map, or null for Cohen
 * @param drawId the draw the choice was made on; certification must use another
 */
public record Selection(SmoothingMethod method, int predicted, SoftCandidate candidate, long drawId) {}
