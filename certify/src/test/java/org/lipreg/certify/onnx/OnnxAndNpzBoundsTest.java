package org.lipreg.certify.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

import java.util.Random;

/**
 * The target on its CNN with max pooling and batch norm (PyTorch's export,
 * cnn_maxpool_bn.onnx): the network read from ONNX by lipreg's {@link OnnxReader} and the same
 * network in lipreg's own format certify to the same bounds, IBP, CROWN and branch-and-bound, to
 * 1e-6 relative. The npz/json side ({@code cnn_maxpool_bn_reference.npz/json}) is not written by
 * lipreg: {@code onnx_to_npz.py} beside the fixtures made it from the ONNX file with the
 * {@code onnx} package and numpy alone (the input normalization and the batch norm folded to
 * channel affines there), so a defect in lipreg's ONNX import cannot be on both sides. Both
 * networks must also have the same layers and, in a float64 forward, the same values to 1e-9
 * relative at random inputs.
 */
class OnnxAndNpzBoundsTest {

    @Test
    void theCnnWithMaxPoolAndBatchNormBoundsTheSameFromOnnxAndFromNpz() throws Exception {
        Network fromOnnx = OnnxReader.read(OnnxReaderTest.fixture("cnn_maxpool_bn.onnx"));
        assertTrue(fromOnnx.layers().stream().anyMatch(l -> l instanceof Layer.MaxPool2d), "max pooling read");
        assertTrue(fromOnnx.layers().stream().anyMatch(l -> l instanceof Layer.ChannelAffine), "a batch norm kept");
        Network fromNpz = NetworkFiles.read(OnnxReaderTest.fixture("cnn_maxpool_bn_reference.npz"),
                OnnxReaderTest.fixture("cnn_maxpool_bn_reference.json"));
        assertEquals(fromOnnx.layers().size(), fromNpz.layers().size(), "layer count");
        for (int i = 0; i < fromOnnx.layers().size(); i++) {
            assertEquals(fromOnnx.layers().get(i).getClass(), fromNpz.layers().get(i).getClass(), "layer " + i);
        }
        assertArrayEquals(fromOnnx.inputShape(), fromNpz.inputShape(), "input shape");
        Random points = new Random(7);
        for (int p = 0; p < 5; p++) {
            double[] x = new double[fromOnnx.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.nextDouble() * 1.2 - 0.1;
            }
            double[] a = ReferenceForward.of(fromOnnx, x);
            double[] b = ReferenceForward.of(fromNpz, x);
            assertEquals(a.length, b.length);
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-9 * Math.abs(a[j]), "forward at input " + p + ", output " + j);
            }
        }
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
