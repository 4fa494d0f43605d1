package org.lipreg.training.regularizer;

/** Which linear operator a convolution's spectral norm is taken of. */
public enum OperatorModel {
    /**
     * The weight reshaped to a matrix {@code (Cout, Cin·kh·kw)}: cheap and the usual choice, but
     * it can under-estimate the convolution's true operator norm (up to a factor of about the
     * kernel size).
     */
    RESHAPED,
    /**
     * The convolution itself as a linear map on inputs of the layer's shape (same stride,
     * padding, dilation, groups): its true ℓ2 operator norm, by power iteration with the
     * convolution and its transpose.
     */
    CONV_OPERATOR
}
