package org.lipreg.experiments.quickstart;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import org.lipreg.experiments.data.ImageData;
import org.lipreg.experiments.data.SyntheticShapes;
import org.lipreg.experiments.run.TrainedRun;

/**
 * Reopens the saved model from the run directory (as certification will) and measures its test
 * accuracy overall and per class; the overall figure must match the training stage's.
 */
final class EvaluateStage implements QuickstartStage {

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public void run(QuickstartContext context) throws Exception {
        ImageData test = context.training().data().test();
        int classes = context.training().data().numClasses();
        int[] correct = new int[classes];
        int[] total = new int[classes];
        try (Model model = TrainedRun.open(context.runDirectory()).loadModel(test.exampleShape(), classes);
                NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            int batch = 500;
            for (int from = 0; from < test.size(); from += batch) {
                ImageData slice = test.slice(from, Math.min(test.size(), from + batch));
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(slice.pixels(), new ai.djl.ndarray.types.Shape(slice.size()).addAll(slice.exampleShape()));
                    long[] predicted = model.getBlock().forward(store, new NDList(x), false).head().argMax(1).toLongArray();
                    for (int i = 0; i < predicted.length; i++) {
                        int label = slice.labels()[i];
                        total[label]++;
                        if (predicted[i] == label) {
                            correct[label]++;
                        }
                    }
                }
            }
        }
        int allCorrect = 0;
        for (int c = 0; c < classes; c++) {
            allCorrect += correct[c];
        }
        context.record(name(), "test accuracy (reloaded model)", allCorrect / (double) test.size());
        boolean shapes = "synthetic".equals(context.config().data.type);
        for (int c = 0; c < classes; c++) {
            String label = shapes ? SyntheticShapes.NAMES[c] : String.valueOf(c);
            context.record(name(), "accuracy of class " + label, total[c] == 0 ? Double.NaN : correct[c] / (double) total[c]);
        }
    }
}
