package org.lipreg.certify.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Export to ONNX and import back gives the same network: same weights, same layers, same outputs. */
class OnnxWriterTest {

    @TempDir Path dir;

    private Network roundTrip(Network network) throws Exception {
        Path file = Files.createTempFile(dir, "net", ".onnx");
        OnnxWriter.write(network, file);
        return OnnxReader.read(file);
    }

    @Test
    void randomNetworksComeBackIdentical() throws Exception {
        Random random = new Random(8);
        int done = 0;
        for (int trial = 0; done < 20; trial++) {
            Network network = RandomNetworks.of(random, trial % 5);
            if (network.layers().stream().anyMatch(l -> l instanceof Layer.GroupSort g && g.size() != 2)) {
                continue; // GroupSort of four has no ONNX form (below)
            }
            if (network.layers().stream().anyMatch(l -> l instanceof Layer.Relu r && (float) r.negativeSlope() != r.negativeSlope())) {
                // ONNX's alpha is a float32; DJL's slopes are (IrReader reads them from a float32 forward).
                assertThrows(IllegalArgumentException.class, () -> OnnxWriter.model(network));
                continue;
            }
            assertEquals(network, roundTrip(network), "trial " + trial);
            done++;
        }
    }

    /** Every layer kind once, including those the dense lowering does not take yet. */
    @Test
    void everyLayerKindComesBackWithIdenticalOutputs() throws Exception {
        Random random = new Random(3);
        List<Layer> layers = List.of(
                new Layer.ChannelAffine(vector(random, 2), vector(random, 2)),
                RandomNetworks.conv(random, 2, 4, 3, 1, 1),
                new Layer.GroupNorm(2, 1e-5f, vector(random, 4), vector(random, 4)),
                new Layer.Relu(0.25),
                new Layer.MaxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}),
                new Layer.Residual(List.of(RandomNetworks.conv(random, 4, 4, 3, 1, 1), new Layer.Relu(0)),
                        List.of(RandomNetworks.conv(random, 4, 4, 1, 1, 0))),
                new Layer.ChannelAffine(vector(random, 4), vector(random, 4)),
                new Layer.AvgPool2d(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}),
                new Layer.Flatten(),
                RandomNetworks.dense(random, 4 * 5 * 5, 6),
                new Layer.GroupSort(2),
                RandomNetworks.dense(random, 6, 3));
        Network network = new Network(new int[] {2, 6, 6}, layers);
        Network back = roundTrip(network);
        assertEquals(network, back);
        for (int p = 0; p < 3; p++) {
            double[] x = new double[network.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextDouble();
            }
            assertArrayEquals(ReferenceForward.of(network, x), ReferenceForward.of(back, x));
        }
    }

    @Test
    void groupSortOfFourIsRefusedNamingTheLayer() {
        Network network = RandomNetworks.mlp(new Random(1), new Layer.GroupSort(4), 4, 8, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxWriter.model(network));
        assertTrue(e.getMessage().contains("layers.1") && e.getMessage().contains("GroupSort of 4"), e.getMessage());
    }

    private static Tensor vector(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5 + random.nextDouble();
        }
        return new Tensor(new int[] {n}, v);
    }
}
