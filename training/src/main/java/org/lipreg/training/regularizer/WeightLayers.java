package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

import org.lipreg.normalization.ws.WeightStandardizedBlock;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.normalization.ws.WeightStandardizedLinear;

import java.util.List;
import java.util.Set;

/**
 * A model's weight layers as the spectral penalty and the Lipschitz monitor see them. A weight
 * layer is a block that owns a parameter of type {@code WEIGHT}. Those whose weight acts as a
 * linear operator that {@link LayerOperator} knows — DJL's {@code Linear} and {@code Conv2d}, and
 * their weight-standardized forms — are covered; any other (a {@code Conv1d}, an embedding) is
 * not, and the penalty and monitor name it rather than skip it silently.
 *
 * <p>A weight-standardized layer applies its standardized weight, not its parameter: that is the
 * operator whose norm matters, and a penalty on it reaches the parameter through the
 * standardization's gradient.
 */
final class WeightLayers {

    private WeightLayers() {}

    /**
     * Whether a block's weight is an operator the penalty and monitor can take the norm of.
     *
     * @param block a block
     * @return true for Linear and Conv2d, plain or weight-standardized
     */
    static boolean hasOperator(Block block) {
        return block instanceof Linear || block instanceof Conv2d
                || block instanceof WeightStandardizedLinear || block instanceof WeightStandardizedConv2d;
    }

    /**
     * Whether a block itself (not a child) owns a weight.
     *
     * @param block a block
     * @return true if one of its direct parameters is of type {@code WEIGHT}
     */
    static boolean ownsWeight(Block block) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                return true;
            }
        }
        return false;
    }

    /**
     * The weight a layer applies: its standardized weight for a weight-standardized layer
     * (differentiable in {@code weight}), else {@code weight} itself.
     *
     * @param layer a layer with an operator
     * @param weight its weight parameter's array (live or detached)
     * @return the effective weight
     */
    static NDArray effective(Block layer, NDArray weight) {
        return layer instanceof WeightStandardizedBlock ws ? ws.standardize(weight) : weight;
    }

    /**
     * Names a block for messages: its path in the model and its class.
     *
     * @param path the path, e.g. {@code /01Conv1d}; empty for the root
     * @param block the block
     * @return e.g. {@code /01Conv1d (Conv1d)}, {@code /03LambdaBlock (LambdaBlock maxPool2d)}
     */
    static String describe(String path, Block block) {
        // A LambdaBlock (pooling, flatten, activations) says what it is only by its name.
        String kind = block instanceof LambdaBlock lambda ? "LambdaBlock " + lambda.getName()
                : block.getClass().getSimpleName();
        return (path.isEmpty() ? "/" : path) + " (" + kind + ")";
    }

    /**
     * Collects, in model order, every weight layer under a block that is not one of {@code
     * covered}.
     *
     * @param path the block's path (empty for the root)
     * @param block the block
     * @param covered the layers already accounted for (compared by identity)
     * @param out where the layers' descriptions go
     */
    static void collectUncovered(String path, Block block, Set<Block> covered, List<String> out) {
        if (ownsWeight(block) && !covered.contains(block)) {
            out.add(describe(path, block));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectUncovered(path + "/" + child.getKey(), child.getValue(), covered, out);
        }
    }
}
