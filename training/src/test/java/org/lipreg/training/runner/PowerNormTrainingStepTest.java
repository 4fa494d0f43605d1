package org.lipreg.training.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.normalization.hook.StepHooks;
import org.lipreg.normalization.powernorm.PowerNorm;
import org.lipreg.training.optimizer.SgdOptimizer;

import java.util.List;

/**
 * PowerNorm under the real {@link TrainingStep}, which knows nothing about it: the hooks found by
 * {@link StepHooks#collect} give the same gradients and state as the hook sequence that the
 * normalization module's tests check against the formulas.
 */
class PowerNormTrainingStepTest {

    private static final Shape IN = new Shape(2, 5, 3);
    private static final int C = 4;

    private static SequentialBlock net() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(C).build())
                .add(PowerNorm.builder().optGroups(2).optWarmup(2).build());
    }

    @Test
    void trainingStepDrivesTheApproximateBackwardWithoutKnowingIt() {
        try (NDManager m = NDManager.newBaseManager();
                Model model = Model.newInstance("pn");
                Model twin = Model.newInstance("pn-twin")) {
            model.setBlock(net());
            twin.setBlock(net());
            Loss loss = Loss.l2Loss();
            SgdOptimizer sgd = SgdOptimizer.builder().setLearningRateTracker(Tracker.fixed(1f)).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(sgd))) {
                trainer.initialize(IN);
                twin.getBlock().initialize(m, DataType.FLOAT32, IN);
                copy(model, twin);
                List<StepHook> hooks = StepHooks.collect(model.getBlock()).stream().map(Pair::getValue).toList();
                assertEquals(1, hooks.size());
                StepHook twinHook = StepHooks.collect(twin.getBlock()).get(0).getValue();
                TrainingStep step = new TrainingStep(trainer, loss, hooks);
                ParameterStore twinStore = new ParameterStore(m, false);
                for (int s = 0; s < 5; s++) {
                    NDArray x = m.randomNormal(IN).mul(1 + s);
                    NDArray labels = m.randomNormal(new Shape(2, 5, C));
                    // The twin: the hook sequence by hand, gradients read directly.
                    NDArray weight = param(twin, "01Linear_weight");
                    try (NDManager stepManager = m.newSubManager()) {
                        StepContext context = new StepContext(stepManager, 0, s, s);
                        twinHook.beforeForward(context);
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray out = twin.getBlock().forward(twinStore, new NDList(x), true).head();
                            NDArray total = loss.evaluate(new NDList(labels), new NDList(out));
                            NDArray aux = twinHook.auxiliaryLoss(context);
                            total = aux == null ? total : total.add(aux);
                            collector.backward(total);
                        }
                        twinHook.afterBackward(context);
                    }
                    float[] expected = weight.sub(weight.getGradient()).toFloatArray();
                    for (Pair<String, Parameter> p : twin.getBlock().getParameters()) {
                        if (p.getValue().requiresGradient()) { // SGD with η = 1, then a fresh gradient
                            NDArray array = p.getValue().getArray();
                            NDArray grad = array.getGradient();
                            array.set(array.sub(grad).toFloatArray());
                            grad.subi(grad);
                        }
                    }
                    // The runner's step.
                    try (NDManager stepManager = m.newSubManager()) {
                        step.run(new NDList(x), new NDList(labels), new StepContext(stepManager, 0, s, s), null);
                    }
                    assertArrayEquals(expected, param(model, "01Linear_weight").toFloatArray(), 1e-5f,
                            "the Linear before PowerNorm got the emulated gradient, step " + (s + 1));
                    for (String state : new String[] {"02PowerNorm_psi", "02PowerNorm_nu", "02PowerNorm_steps"}) {
                        assertArrayEquals(param(twin, state).toFloatArray(), param(model, state).toFloatArray(), 1e-5f,
                                state + ", step " + (s + 1));
                    }
                }
                assertEquals(5, ((PowerNorm) hooks.get(0)).getSteps());
                float[] nu = param(model, "02PowerNorm_nu").toFloatArray();
                float largest = 0;
                for (float v : nu) {
                    largest = Math.max(largest, Math.abs(v));
                }
                assertTrue(largest > 1e-4, "ν was updated after backward");
            }
        }
    }

    private static NDArray param(Model model, String name) {
        return model.getBlock().getParameters().get(name).getArray();
    }

    private static void copy(Model from, Model to) {
        for (Pair<String, Parameter> p : from.getBlock().getParameters()) {
            to.getBlock().getParameters().get(p.getKey()).getArray().set(p.getValue().getArray().toFloatArray());
        }
    }
}
