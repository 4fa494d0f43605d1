package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.certify.ir.Layer;
import org.lipreg.experiments.cli.LipregCli;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CNNs lipreg trains — weight-standardized convolutions, batch-channel norm, max pooling —
 * are certified from their run directory by {@code certify lipschitz --run}, which used to answer
 * "no upper bounds" with exit 2 for them. (Every image model lipreg trains now has an IR network;
 * the refusal of layer norm and power norm, by block name, is tested in {@code IrReaderTest}.)
 */
class CertifyNormalizedCnnTest {

    @TempDir Path dir;

    @Test
    void aWeightStandardizedBatchChannelNormCnnGetsCrownBoundsAboveTheAttainedLowerBound() throws Exception {
        // One epoch on 200 generated shapes.
        Path config = dir.resolve("bcn.yaml");
        Files.writeString(config, "name: tiny-bcn\nseed: 2\nepochs: 1\n"
                + "data: {type: synthetic, trainSize: 200, testSize: 20, batchSize: 32}\n"
                + "model: {preset: cnn, channels: [2, 4], hidden: [16], norm: bcn, groups: 2, weightStandardization: true}\n"
                + "optimizer: {name: adam, learningRate: 0.005}\n");
        Path run = dir.resolve("run");
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "train", "--config", config.toString(), "--out", run.toString());
        assertEquals(0, code, err.toString());
        try (CertifyTarget target = CertifyTarget.fromRun(run, 1, Path.of(""), null)) {
            assertNotNull(target.network(), () -> String.valueOf(target.unsupported()));
            // The model kept its normalizations and pooling: no layer was dropped on the way.
            List<Layer> layers = target.network().layers();
            assertEquals(2, layers.stream().filter(l -> l instanceof Layer.GroupNorm).count(), layers.toString());
            assertEquals(2, layers.stream().filter(l -> l instanceof Layer.MaxPool2d).count(), layers.toString());
        }
        code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "certify", "lipschitz", "--run", run.toString(), "--eps", "0.01", "--points", "1", "--method", "crown",
                "--spec", "margin");
        assertEquals(0, code, err.toString());
        assertTrue(Files.isRegularFile(run.resolve(CertifyOutputs.CERTIFICATE_FILE)), "certificate");
        Table perOutput = Table.read().csv(run.resolve("certify/per_output.csv").toFile());
        assertEquals(9, perOutput.rowCount());
        for (int r = 0; r < perOutput.rowCount(); r++) {
            double lower = perOutput.doubleColumn("lower").getDouble(r);
            double upper = perOutput.doubleColumn("upper").getDouble(r);
            // The lower bound is a gradient norm the model attains in the box (sampled, ascent, walk).
            assertTrue(lower > 0 && Double.isFinite(upper) && upper >= lower,
                    perOutput.stringColumn("function").get(r) + ": upper " + upper + ", lower " + lower);
        }
    }
}
