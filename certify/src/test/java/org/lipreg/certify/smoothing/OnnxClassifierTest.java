package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lipreg.certify.ir.Network;
import org.lipreg.certify.onnx.OnnxReader;
import org.lipreg.certify.onnx.OnnxWriter;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX model smoothed on either engine: both compute PyTorch's committed outputs (the fixtures
 * of OnnxReaderTest) and, for the same seed, the same predictions on the same noisy inputs.
 */
class OnnxClassifierTest {

    @TempDir Path dir;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(OnnxReader.class.getResource(name).toURI());
    }

    /** A noise level far below float32's resolution of the inputs: the copies are the input itself. */
    private static final double NO_NOISE = 1e-30;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn_maxpool_bn", "residual", "maxmin_mlp", "groupnorm_cnn"})
    void bothEnginesComputePyTorchsOutputs(String name) throws Exception {
        Path file = fixture(name + ".onnx");
        Network network = OnnxReader.read(file);
        JsonNode expected = new ObjectMapper().readTree(fixture(name + ".json").toFile());
        try (NDManager manager = NDManager.newBaseManager()) {
            for (OnnxClassifier.Engine engine : OnnxClassifier.Engine.values()) {
                try (OnnxClassifier classifier = OnnxClassifier.open(file, network, engine, 1, 3, manager)) {
                    for (int p = 0; p < expected.get("inputs").size(); p++) {
                        float[] x = floats(expected.get("inputs").get(p));
                        List<float[]> logits = logits(classifier, x, NO_NOISE, 4, 0);
                        for (float[] row : logits) {
                            for (int j = 0; j < row.length; j++) {
                                double want = expected.get("outputs").get(p).get(j).asDouble();
                                assertEquals(want, row[j], 1e-5 * Math.max(1, Math.abs(want)),
                                        name + " " + engine + " input " + p + " output " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Noisy copies drawn with one seed give the same predictions on both engines (lipreg's float64 exports too). */
    @ParameterizedTest
    @ValueSource(strings = {"cnn_maxpool_bn", "residual", "exported"})
    void theSameSeedGivesTheSamePredictionsOnBothEngines(String name) throws Exception {
        Path file = fixture((name.equals("exported") ? "maxmin_mlp" : name) + ".onnx");
        if (name.equals("exported")) {
            file = dir.resolve("exported.onnx"); // float64 input and weights
            OnnxWriter.write(OnnxReader.read(fixture("maxmin_mlp.onnx")), file);
        }
        Network network = OnnxReader.read(file);
        float[] x = new float[network.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((i * 0.37) % 1.0);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            List<List<float[]>> runs = new ArrayList<>();
            for (OnnxClassifier.Engine engine : OnnxClassifier.Engine.values()) {
                try (OnnxClassifier classifier = OnnxClassifier.open(file, network, engine, 1, 64, manager)) {
                    runs.add(logits(classifier, x, 10.0, 200, 17));
                }
            }
            int agree = 0;
            for (int r = 0; r < 200; r++) {
                float[] a = runs.get(0).get(r);
                float[] b = runs.get(1).get(r);
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-4 * Math.max(1, Math.abs(a[j])), name + " copy " + r + " logit " + j);
                }
                agree += argmax(a) == argmax(b) ? 1 : 0;
            }
            assertEquals(200, agree, name + ": predictions that differ between the engines");
            // The noise mattered: not every copy has the same prediction (the small MaxMin net predicts
            // one class over the whole noise cloud; there the logits, compared above, carry the test).
            assertTrue(runs.get(0).stream().mapToInt(OnnxClassifierTest::argmax).distinct().count() > 1
                    || name.equals("exported"),
                    name + ": σ = 10 changed no prediction");
        }
    }

    /** ONNX Runtime's CPU kernels lack float64 convolutions: lipreg's own CNN exports are refused with its reason. */
    @org.junit.jupiter.api.Test
    void whatOnnxRuntimeCannotRunIsRefusedWithItsReason() throws Exception {
        Path file = dir.resolve("cnn64.onnx");
        OnnxWriter.write(OnnxReader.read(fixture("cnn_bn_nopool.onnx")), file);
        try (NDManager manager = NDManager.newBaseManager()) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> OnnxClassifier.open(file,
                    OnnxReader.read(file), OnnxClassifier.Engine.ONNX_RUNTIME, 1, 8, manager));
            assertTrue(e.getMessage().contains("cnn64.onnx") && e.getMessage().contains("Conv"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownEngineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxClassifier.Engine.parse("tvm"));
        assertTrue(e.getMessage().contains("pytorch") && e.getMessage().contains("onnxruntime"), e.getMessage());
    }

    private static List<float[]> logits(OnnxClassifier classifier, float[] x, double sigma, int count, long seed) {
        List<float[]> rows = new ArrayList<>();
        int k = classifier.numClasses();
        classifier.seed(seed);
        classifier.sample(x, sigma, count, (values, n) -> {
            for (int r = 0; r < n; r++) {
                float[] row = new float[k];
                System.arraycopy(values, r * k, row, 0, k);
                rows.add(row);
            }
        });
        assertEquals(count, rows.size());
        return rows;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            best = v[j] > v[best] ? j : best;
        }
        return best;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
