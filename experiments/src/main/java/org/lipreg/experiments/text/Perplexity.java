package org.lipreg.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.evaluator.Evaluator;

import org.lipreg.normalization.engine.Scalars;

import java.util.HashMap;
import java.util.Map;

/**
 * Perplexity of next-token logits {@code (B, T, V)} against target ids {@code (B, T)}:
 * {@code exp(Σ NLL / number of targets)} over everything accumulated, the NLL summed in double
 * precision per batch. The runner reports it as {@code train_perplexity} (training forwards, with
 * dropout) and {@code test_perplexity} (the whole test stream in inference mode).
 */
public final class Perplexity extends Evaluator {

    private final Map<String, Double> nll = new HashMap<>();
    private final Map<String, Long> count = new HashMap<>();

    /** Creates the evaluator, named {@code perplexity}. */
    public Perplexity() {
        super("perplexity");
    }

    /**
     * Returns the summed NLL of the targets, float64.
     *
     * @param labels target ids {@code (B, T)}
     * @param predictions logits {@code (B, T, V)}
     * @return the sum, a scalar
     */
    public static NDArray summedNll(NDList labels, NDList predictions) {
        NDArray logits = predictions.head();
        NDArray target = labels.head().toType(DataType.INT64, false);
        NDArray logp = logits.toType(DataType.FLOAT64, false).logSoftmax(-1);
        NDArray picked = logp.gather(target.expandDims(-1), -1);
        return picked.sum().neg();
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray sum = summedNll(labels, predictions);
        return Scalars.div(sum, labels.head().size()).exp();
    }

    @Override
    public void addAccumulator(String key) {
        nll.put(key, 0.0);
        count.put(key, 0L);
    }

    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        try (NDArray sum = summedNll(labels, predictions)) {
            nll.merge(key, sum.getDouble(), Double::sum);
        }
        count.merge(key, labels.head().size(), Long::sum);
    }

    @Override
    public void resetAccumulator(String key) {
        addAccumulator(key);
    }

    @Override
    public float getAccumulator(String key) {
        return (float) perplexity(key);
    }

    /**
     * Returns the accumulated perplexity in double precision.
     *
     * @param key the accumulator
     * @return {@code exp(mean NLL)}, NaN if nothing was accumulated
     */
    public double perplexity(String key) {
        long n = count.getOrDefault(key, 0L);
        return n == 0 ? Double.NaN : Math.exp(nll.get(key) / n);
    }
}
