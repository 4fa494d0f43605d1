package org.lipreg.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Gaussian noise augmentation: each training input becomes {@code x + N(0, σ² I)}, fresh noise
 * every step, so the model learns to classify the noisy copies that randomized smoothing feeds
 * it (Cohen et al. train at the σ they certify at). The noise comes from the engine's generator,
 * which the runner seeds per epoch.
 */
public final class GaussianInputNoise {

    private final float sigma;

    /**
     * Creates the augmentation.
     *
     * @param sigma the standard deviation, in the inputs' own units; positive
     */
    public GaussianInputNoise(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be positive and finite, got " + sigma);
        }
        this.sigma = (float) sigma;
    }

    /**
     * Returns the standard deviation.
     *
     * @return σ
     */
    public double sigma() {
        return sigma;
    }

    /**
     * Returns noisy copies of the inputs; the originals (often views of the dataset) are left
     * untouched.
     *
     * @param data the inputs; only the first array is perturbed
     * @param manager owns the noisy copy (the step's manager)
     * @return the perturbed inputs
     */
    public NDList apply(NDList data, NDManager manager) {
        NDArray x = data.get(0);
        NDArray noisy = manager.randomNormal(0, sigma, x.getShape(), x.getDataType());
        noisy.addi(x);
        NDList out = new NDList(noisy);
        for (int i = 1; i < data.size(); i++) {
            out.add(data.get(i));
        }
        return out;
    }
}
