package org.lipreg.training.regularizer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

import org.lipreg.normalization.GroupSort;
import org.lipreg.training.runner.EpochMetricsSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Logs, per epoch, each layer's ℓ2 operator norm σ and their product — the naive global bound on
 * the network's Lipschitz constant — as metrics columns {@code sigma_1 … sigma_n} and {@code
 * lipschitz_product}.
 *
 * <p>σ of a {@code Linear} is its weight's largest singular value; of a {@code Conv2d}, the true
 * operator norm of the convolution at its input shape; of a {@link SpectrallyNormalized} layer,
 * that of its effective weight. Each is estimated afresh every epoch by 100 power iterations
 * from a fixed start, so the figures depend only on the weights (a resumed run logs the same
 * values). Power iteration approaches σ from below: these are estimates, not certificates (the
 * certification module gives certified bounds).
 *
 * <p>The product is a bound only through blocks whose constant is known: the layers above, ReLU,
 * flatten, MaxMin/GroupSort (1-Lipschitz) and dropout (identity at inference), composed in a
 * {@code SequentialBlock}. Through anything else (normalization by batch or sample statistics,
 * pooling whose window overlap is not known, residual branches) it is NaN rather than a number
 * that might be wrong.
 */
public final class LipschitzMonitor implements EpochMetricsSource {

    private static final int ITERATIONS = 100;
    private static final Set<String> ONE_LIPSCHITZ_LAMBDAS = Set.of("ReLU", "batchFlatten");

    @Override
    public Map<String, Double> epochMetrics(Model model) {
        return of(model.getBlock());
    }

    /**
     * Returns the per-layer σ and their product for a block, e.g. a network that is not the
     * model of a training run (an RL critic).
     *
     * @param block the network
     * @return {@code sigma_1 … sigma_n} and {@code lipschitz_product}
     */
    public Map<String, Double> of(Block block) {
        Map<String, Double> out = new LinkedHashMap<>();
        double[] product = {1.0};
        try (NDManager manager = NDManager.newBaseManager()) {
            visit(block, manager, out, product);
        }
        out.put("lipschitz_product", product[0]);
        return out;
    }

    private void visit(Block block, NDManager manager, Map<String, Double> out, double[] product) {
        if (block instanceof SequentialBlock) {
            for (Block child : block.getChildren().values()) {
                visit(child, manager, out, product);
            }
            return;
        }
        double factor;
        if (block instanceof Linear || block instanceof Conv2d) {
            factor = sigma(block, manager);
        } else if (block instanceof SpectrallyNormalized sn) {
            factor = sigma(sn.getLayer(), manager) * sn.scaleFor(sn.sigma());
        } else if (block instanceof GroupSort || block instanceof Dropout
                || block instanceof LambdaBlock lambda && ONE_LIPSCHITZ_LAMBDAS.contains(lambda.getName())) {
            return;
        } else {
            product[0] = Double.NaN;
            return;
        }
        out.put("sigma_" + (out.size() + 1), factor);
        product[0] *= factor;
    }

    /** σ of a Linear or Conv2d weight by power iteration from a fixed start. */
    private static double sigma(Block layer, NDManager manager) {
        NDArray w = layer.getParameters().get("weight").getArray();
        LayerOperator operator = LayerOperator.of(layer, layer.getInputShapes()[0], OperatorModel.CONV_OPERATOR);
        PowerIteration iteration = new PowerIteration(operator, manager, 20240601L);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray detached = w.stopGradient();
            iteration.iterate(detached, ITERATIONS);
            return iteration.sigma(detached).toType(DataType.FLOAT64, false).getDouble();
        }
    }
}
