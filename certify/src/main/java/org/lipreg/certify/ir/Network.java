package org.lipreg.certify.ir;

import java.util.Arrays;
import java.util.List;

/**
 * A network in the certification IR: the shape of one input example and the layers, applied
 * in order.
 *
 * @param inputShape one example's shape, e.g. {@code (1, 28, 28)} or {@code (784)}
 * @param layers the layers
 */
public record Network(int[] inputShape, List<Layer> layers) {

    /**
     * Copies the arguments.
     *
     * @param inputShape one example's shape, e.g. {@code (1, 28, 28)} or {@code (784)}
     * @param layers the layers
     */
    public Network {
        inputShape = inputShape.clone();
        layers = List.copyOf(layers);
    }

    /**
     * Returns the number of input values per example.
     *
     * @return the product of the input shape
     */
    public int inputSize() {
        return Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && Arrays.equals(inputShape, n.inputShape) && layers.equals(n.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }
}
