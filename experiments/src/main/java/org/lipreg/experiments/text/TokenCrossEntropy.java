package org.lipreg.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The language model's loss: the mean over all tokens of the cross-entropy of next-token logits
 * {@code (B, T, V)} against target ids {@code (B, T)}, in nats. (DJL's {@code
 * SoftmaxCrossEntropyLoss} picks its sparse labels in a way that only handles one label per
 * example.) Free of side effects, as the runner's listeners may call it again.
 */
public final class TokenCrossEntropy extends Loss {

    /** Creates the loss. */
    public TokenCrossEntropy() {
        super("TokenCrossEntropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray target = labels.singletonOrThrow().toType(DataType.INT64, false).expandDims(-1);
        return logits.logSoftmax(-1).gather(target, -1).neg().mean();
    }
}
