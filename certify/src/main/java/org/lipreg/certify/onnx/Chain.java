package org.lipreg.certify.onnx;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Layer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A value of the ONNX graph that depends on the model input, as the chain of IR layers that
 * computes it from the input: each link holds its layer and its per-example shape (no batch
 * axis). Links are immutable and shared, so two values that branch off one tensor share their
 * common prefix, which is where a residual sum forks.
 *
 * @param parent the value this layer is applied to, null for the input
 * @param layer the layer, null for the input
 * @param shape the per-example shape of this value
 * @param depth the number of layers from the input
 */
record Chain(Chain parent, Layer layer, int[] shape, int depth) {

    /**
     * Copies the shape.
     *
     * @param parent the value this layer is applied to, null for the input
     * @param layer the layer, null for the input
     * @param shape the per-example shape of this value
     * @param depth the number of layers from the input
     */
    Chain {
        shape = shape.clone();
    }

    /** @return the model input of the given per-example shape */
    static Chain input(int[] shape) {
        return new Chain(null, null, shape, 0);
    }

    /**
     * Applies a layer, without folding.
     *
     * @param next the layer
     * @return the new value
     * @throws IllegalArgumentException if the layer does not fit this value's shape
     */
    Chain then(Layer next) {
        return new Chain(this, next, LayerShapes.outputShape(next, shape), depth + 1);
    }

    /** @return the number of channels (features, for a flat value) */
    int channels() {
        return shape[0];
    }

    /** @return the nearest value from which both this and {@code other} are computed */
    Chain commonAncestor(Chain other) {
        Chain a = this;
        Chain b = other;
        while (a.depth > b.depth) {
            a = a.parent;
        }
        while (b.depth > a.depth) {
            b = b.parent;
        }
        while (a != b) {
            a = a.parent;
            b = b.parent;
        }
        return a;
    }

    /** @return the layers from {@code ancestor} (exclusive) to this value, in order */
    List<Layer> layersSince(Chain ancestor) {
        List<Layer> layers = new ArrayList<>();
        for (Chain c = this; c != ancestor; c = c.parent) {
            layers.add(c.layer);
        }
        Collections.reverse(layers);
        return layers;
    }
}
