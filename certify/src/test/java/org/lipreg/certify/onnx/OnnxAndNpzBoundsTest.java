package org.lipreg.certify.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.NetworkFiles;
import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.Method;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

/**
 * The target on its CNN with max pooling and batch norm (PyTorch's export,
 * cnn_maxpool_bn.onnx): the weights read from ONNX and the same weights in lipreg's own format
 * (written as npz/json, read back as a user's npz would be) certify to the same bounds, IBP, CROWN
 * and branch-and-bound, to 1e-6 relative.
 */
class OnnxAndNpzBoundsTest {

    @TempDir Path dir;

    @Test
    void theCnnWithMaxPoolAndBatchNormBoundsTheSameFromOnnxAndFromNpz() throws Exception {
        Network fromOnnx = OnnxReader.read(OnnxReaderTest.fixture("cnn_maxpool_bn.onnx"));
        assertTrue(fromOnnx.layers().stream().anyMatch(l -> l instanceof Layer.MaxPool2d), "max pooling read");
        assertTrue(fromOnnx.layers().stream().anyMatch(l -> l instanceof Layer.ChannelAffine), "a batch norm kept");
        NetworkFiles.write(fromOnnx, dir.resolve("cnn"));
        Network fromNpz = NetworkFiles.read(dir.resolve("cnn.npz"), dir.resolve("cnn.json"));
        Random random = new Random(21);
        double[] x0 = new double[fromOnnx.inputSize()];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = random.nextDouble();
        }
        InputBox box = InputBox.around(x0, 0.05, 0, 1);
        // Branch-and-bound stops at its domain cap, not its clock, so both runs branch alike.
        BabSettings bab = new BabSettings(600, 8, 4);
        try (LipschitzCertifier onnx = LipschitzCertifier.of(fromOnnx);
                LipschitzCertifier npz = LipschitzCertifier.of(fromNpz)) {
            double[][] specs = LipschitzCertifier.outputSpecs(onnx.graph().outputSize());
            for (Method method : new Method[] {Method.IBP, Method.CROWN, Method.BAB}) {
                double[] a = onnx.bound(box, specs, method, bab).perSpec();
                double[] b = npz.bound(box, specs, method, bab).perSpec();
                assertEquals(specs.length, a.length);
                for (int s = 0; s < a.length; s++) {
                    assertTrue(Double.isFinite(a[s]) && a[s] > 0, method + " spec " + s + ": " + a[s]);
                    assertEquals(a[s], b[s], 1e-6 * Math.abs(a[s]), method + " spec " + s);
                }
            }
        }
    }
}
