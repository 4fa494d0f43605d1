package org.lipreg.training.regularizer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;

import org.lipreg.normalization.activation.GroupSort;
import org.lipreg.normalization.activation.HouseholderActivation;
import org.lipreg.training.runner.EpochMetricsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logs, per epoch, each layer's ℓ2 operator norm σ and their product — the naive global bound on
 * the network's Lipschitz constant — as metrics columns {@code sigma_1 … sigma_n} and {@code
 * lipschitz_product}.
 *
 * <p>σ of a {@code Linear} is its weight's largest singular value; of a {@code Conv2d}, the true
 * operator norm of the convolution at its input shape; of a weight-standardized layer, that of its
 * standardized weight (the one it applies); of a {@link SpectrallyNormalized} layer, that of its
 * effective weight. Each is estimated afresh every epoch by 100 power iterations from a fixed
 * start, so the figures depend only on the weights (a resumed run logs the same values). Power
 * iteration approaches σ from below: these are estimates, not certificates (the certification
 * module gives certified bounds).
 *
 * <p>The product is a bound only through blocks whose constant is known: the layers above, ReLU,
 * flatten, MaxMin/GroupSort and the Householder activation (1-Lipschitz) and dropout (identity at
 * inference), composed in a {@code SequentialBlock}. Through anything else (normalization by batch or sample statistics,
 * pooling whose window overlap is not known, residual branches) it is NaN rather than a number
 * that might be wrong. Such blocks ({@link #unboundedBlocks()}) and weight layers whose σ is not
 * logged ({@link #uncoveredLayers()}) are named in a warning, once per monitor.
 */
public final class LipschitzMonitor implements EpochMetricsSource {

    private static final Logger logger = LoggerFactory.getLogger(LipschitzMonitor.class);
    private static final int ITERATIONS = 100;
    private static final Set<String> ONE_LIPSCHITZ_LAMBDAS = Set.of("ReLU", "batchFlatten");

    private List<String> unbounded = List.of();
    private List<String> uncovered = List.of();
    private boolean warned;

    /**
     * Returns the blocks that made the last product NaN (no known Lipschitz constant), each as its
     * path and class, e.g. {@code /02BatchChannelNorm (BatchChannelNorm)}.
     *
     * @return the blocks, in model order; empty when the product is a number
     */
    public List<String> unboundedBlocks() {
        return unbounded;
    }

    /**
     * Returns the weight layers whose σ the last call did not log: no operator is known for them,
     * or they sit inside a block the monitor does not enter (e.g. a residual branch).
     *
     * @return the layers, in model order; empty when every weight layer was logged
     */
    public List<String> uncoveredLayers() {
        return uncovered;
    }

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
        List<String> unknown = new ArrayList<>();
        Set<Block> logged = Collections.newSetFromMap(new IdentityHashMap<>());
        try (NDManager manager = NDManager.newBaseManager()) {
            visit("", block, manager, out, product, unknown, logged);
        }
        out.put("lipschitz_product", product[0]);
        List<String> missing = new ArrayList<>();
        WeightLayers.collectUncovered("", block, logged, missing);
        unbounded = List.copyOf(unknown);
        uncovered = List.copyOf(missing);
        if (!warned && (!unbounded.isEmpty() || !uncovered.isEmpty())) {
            warned = true;
            logger.warn("Lipschitz monitor: {}{}",
                    unbounded.isEmpty() ? "" : "lipschitz_product is NaN: no known constant for " + unbounded
                            + (uncovered.isEmpty() ? "" : "; "),
                    uncovered.isEmpty() ? "" : "no sigma logged for the weight layer(s) " + uncovered);
        }
        return out;
    }

    private void visit(String path, Block block, NDManager manager, Map<String, Double> out, double[] product,
            List<String> unknown, Set<Block> logged) {
        if (block instanceof SequentialBlock) {
            for (Pair<String, Block> child : block.getChildren()) {
                visit(path + "/" + child.getKey(), child.getValue(), manager, out, product, unknown, logged);
            }
            return;
        }
        double factor;
        if (WeightLayers.hasOperator(block)) {
            factor = sigma(block, manager);
            logged.add(block);
        } else if (block instanceof SpectrallyNormalized sn) {
            factor = sigma(sn.getLayer(), manager) * sn.scaleFor(sn.sigma());
            logged.add(sn.getLayer());
        } else if (block instanceof GroupSort || block instanceof HouseholderActivation || block instanceof Dropout
                || block instanceof LambdaBlock lambda && ONE_LIPSCHITZ_LAMBDAS.contains(lambda.getName())) {
            return;
        } else {
            product[0] = Double.NaN;
            unknown.add(WeightLayers.describe(path, block));
            return;
        }
        out.put("sigma_" + (out.size() + 1), factor);
        product[0] *= factor;
    }

    /** σ of a layer's effective weight by power iteration from a fixed start. */
    private static double sigma(Block layer, NDManager manager) {
        NDArray w = layer.getParameters().get("weight").getArray();
        LayerOperator operator = LayerOperator.of(layer, layer.getInputShapes()[0], OperatorModel.CONV_OPERATOR);
        PowerIteration iteration = new PowerIteration(operator, manager, 20240601L);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray effective = WeightLayers.effective(layer, w.stopGradient());
            iteration.iterate(effective, ITERATIONS);
            return iteration.sigma(effective).toType(DataType.FLOAT64, false).getDouble();
        }
    }
}
