package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.UnsupportedLayerException;

import java.util.List;

/** A layer the IR holds but the bounds do not (max pooling with padding) is named, never lowered wrongly. */
class LoweringCheckTest {

    @Test
    void paddedMaxPoolingIsNamedByItsPosition() {
        Layer padded = new Layer.MaxPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        Network network = new Network(new int[] {1, 4, 4}, List.of(new Layer.Relu(0),
                new Layer.Residual(List.of(padded), List.of())));
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> Lowering.check(network));
        assertEquals("layers[1].body[0]", e.getPath());
        assertTrue(e.getMessage().contains("padding [1, 1]"), e.getMessage());
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThrows(UnsupportedLayerException.class, () -> Lowering.lower(network, manager));
        }
        // Without padding it lowers.
        Network plain = new Network(new int[] {1, 4, 4}, List.of(new Layer.MaxPool2d(new int[] {2, 2}, new int[] {2, 2},
                new int[] {0, 0})));
        Lowering.check(plain);
    }
}
