package org.lipreg.certify.example;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.Random;
import org.lipreg.certify.ir.IrReader;
import org.lipreg.certify.lipschitz.*;
import org.lipreg.certify.smoothing.*;
import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.runner.*;

/** Trains an MLP on two clusters in [0, 1]², bounds its local Lipschitz constant, smooths it. */
public final class CertifyExample {
    public static void main(String[] args) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("mlp")) {
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(2).build()));
            TrainingResult result = TrainingRunner.builder()
                    .setModel(model).setData(clusters(manager, 512, 1), clusters(manager, 128, 2))
                    .setLoss(Loss.softmaxCrossEntropyLoss()).addEvaluator(new Accuracy())
                    .setOptimizer(AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(1e-2f)).build())
                    .setEpochs(5).setBatchSize(32).setInputShape(new Shape(32, 2))
                    .setRunDirectory(Path.of(args.length > 0 ? args[0] : "runs/example")) // new or empty
                    .build().fit(false); // true: resume from the newest checkpoint
            System.out.printf("test accuracy %.3f%n", result.last().get("test_accuracy"));

            // The certifier's points are double[]; the smoothed classifier takes the model's float[].
            double[] x0 = {0.3, 0.3};
            try (LipschitzCertifier certifier = LipschitzCertifier.of(IrReader.read(model.getBlock(), new Shape(2)))) {
                InputBox box = InputBox.around(x0, 0.05, 0, 1); // the ℓ∞ ball of radius 0.05, clipped to [0, 1]
                double[][] outputs = LipschitzCertifier.outputSpecs(2);
                LipschitzBound upper = certifier.bound(box, outputs, Method.CROWN);
                LowerBound lower = new LowerBoundSearch().search(new GraphOracle(certifier.graph()), box, outputs);
                System.out.printf("local Lipschitz constant in [%.4f, %.4f]%n", lower.max(), upper.max());
            }
            SmoothedClassifier smoothed = SmoothedClassifier.builder()
                    .setBaseClassifier(BlockClassifier.builder().setBlock(model.getBlock())
                            .setExampleShape(new Shape(2)).setNumClasses(2).setManager(manager).build())
                    .setSigma(0.1).optSamples(10_000).build();
            for (SmoothingCertificate c : smoothed.certify(new float[] {0.3f, 0.3f}, 7)) {
                System.out.printf("%s: class %d, certified ℓ2 radius %.4f%n", c.method(), c.predicted(), c.radius());
            }
        }
    }

    /** Class 0 around (0.3, 0.3), class 1 around (0.7, 0.7), Gaussian with σ = 0.1. */
    static ArrayDataset clusters(NDManager manager, int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[2 * n], y = new float[n];
        for (int i = 0; i < 2 * n; i++) {
            y[i / 2] = i / 2 % 2;
            x[i] = (float) (0.3 + 0.4 * y[i / 2] + 0.1 * random.nextGaussian());
        }
        return new ArrayDataset.Builder().setData(manager.create(x, new Shape(n, 2)))
                .optLabels(manager.create(y, new Shape(n))).setSampling(32, true).build();
    }
}
