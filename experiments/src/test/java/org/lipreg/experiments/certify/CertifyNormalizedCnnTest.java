package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.cli.LipregCli;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CNNs lipreg trains — weight-standardized convolutions, batch-channel norm, max pooling —
 * are certified from their run directory. (Every image model lipreg trains now has an IR network;
 * the refusal of layer norm and power norm, by block name, is tested in {@code IrReaderTest}.)
 */
class CertifyNormalizedCnnTest {

    @TempDir Path dir;

    /** Trains a tiny CNN of the given norm for one epoch on 200 generated shapes. */
    private Path train(String norm) throws Exception {
        Path config = dir.resolve(norm + ".yaml");
        Files.writeString(config, "name: tiny-" + norm + "\nseed: 2\nepochs: 1\n"
                + "data: {type: synthetic, trainSize: 200, testSize: 20, batchSize: 32}\n"
                + "model: {preset: cnn, channels: [2, 4], hidden: [8], norm: " + norm + ", groups: 2,"
                + " weightStandardization: true}\n"
                + "optimizer: {name: adam, learningRate: 0.005}\n");
        Path run = dir.resolve("run-" + norm);
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "train", "--config", config.toString(), "--out", run.toString());
        assertEquals(0, code, err.toString());
        return run;
    }

    @Test
    void aWeightStandardizedBatchChannelNormCnnGetsCrownBoundsAboveTheAttainedLowerBound() throws Exception {
        Path run = train("bcn");
        LipschitzJob job = new LipschitzJob(List.of(Method.CROWN), List.of(0.01), LipschitzJob.Spec.MARGIN,
                BabSettings.DEFAULT, new LowerBoundSearch(8, 1, 5, 0), line -> { });
        try (CertifyTarget target = CertifyTarget.fromRun(run, 1, Path.of(""), null)) {
            assertNotNull(target.network(), () -> String.valueOf(target.unsupported()));
            // The model kept its normalization and pooling: no layer was dropped on the way.
            List<Layer> layers = target.network().layers();
            assertEquals(2, layers.stream().filter(l -> l instanceof Layer.GroupNorm).count(), layers.toString());
            assertEquals(2, layers.stream().filter(l -> l instanceof Layer.MaxPool2d).count(), layers.toString());
            LipschitzJob.Result result = job.run(target);
            assertEquals(null, result.unsupported());
            Table perOutput = result.outputs();
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

    /** The command that used to answer "no upper bounds" (exit 2) for group norm and max pooling. */
    @Test
    void certifyLipschitzOnAGroupNormCnnRunExitsZeroWithACertificate() throws Exception {
        Path run = train("gn");
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "certify", "lipschitz", "--run", run.toString(), "--eps", "0.01", "--points", "1", "--method",
                "naive,crown", "--spec", "margin");
        assertEquals(0, code, err.toString());
        assertTrue(Files.isRegularFile(run.resolve(CertifyOutputs.CERTIFICATE_FILE)), "certificate");
        Table points = Table.read().csv(run.resolve("certify/points.csv").toFile());
        for (int r = 0; r < points.rowCount(); r++) {
            double ratio = points.doubleColumn("ratio").getDouble(r);
            assertTrue(Double.isFinite(ratio) && ratio >= 1, points.stringColumn("method").get(r) + " ratio " + ratio);
        }
    }
}
