package org.lipreg.normalization.powernorm;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.Ownership;
import org.lipreg.normalization.engine.Scalars;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * Power Normalization (Shen et al. 2020, "PowerNorm: Rethinking Batch Normalization in
 * Transformers"), DESIGN §2.4.
 *
 * <h2>Layout and mask</h2>
 *
 * <p>Input 0 is {@code (B, T, C)} — batch, tokens, channels — or, equally, {@code (T, B, C)}, or
 * already flattened tokens {@code (N, C)}. The layer treats every leading position as one token:
 * statistics are taken over all (non-padded) tokens and group scaling is per token, so the order
 * of the leading axes does not matter and no layout option is needed. The output has the input's
 * shape.
 *
 * <p>Input 1 (optional) is a padding mask with the input's leading shape ({@code (B, T)} for a
 * {@code (B, T, C)} input, {@code (T, B)} for a {@code (T, B, C)} one): {@code true} or non-zero
 * marks a <em>padded</em> token (fairseq's {@code key_padding_mask} convention). Padded tokens
 * are replaced by zero before anything is computed, so their values — even NaN — reach neither
 * the statistics, nor other tokens' outputs, nor any gradient; their output is exactly 0 (not β)
 * and their input gradient is exactly 0. The mean of the ν update is over non-padded tokens only
 * (the reference code averages over padded positions too; without a mask the two agree).
 *
 * <h2>Algorithm ({@link Variant#POWER}, the default)</h2>
 *
 * <ol>
 *   <li>Group scaling, always (training and inference), plain autograd: each token's channels
 *       are split into {@code g} groups and divided by {@code √(mean over the group of x² + ε)}.
 *       Call the result x.
 *   <li>Training step k (1-based, counted by the layer): {@code σ²_B = mean over tokens of x²}
 *       per channel (no gradient through it); {@code z = x/√(σ²_B + ε)} while {@code k ≤ K}, else
 *       {@code z = x/√(ψ + ε)} with ψ from before this step's update; {@code y = γ z + β}. Then
 *       ψ is updated: if {@code k < K} first {@code ψ ← ψ (k−1)/k + σ²_B/k} (a cumulative
 *       average, so that ψ starts from data), then always {@code ψ ← α_fwd ψ + (1−α_fwd) σ²_B}.
 *       The strict {@code k < K} for the cumulative part (while the forward uses σ²_B up to and
 *       including k = K) is exactly what the authors' {@code mask_powernorm.py} does.
 *   <li>Approximate backward, with {@code g = γ ⊙ ∂L/∂y} and ν per channel (starting at 0):
 *       {@code ĝ = g − (1−α_bkw) ν z}, {@code ν ← ν + mean_tokens(ĝ ⊙ z)},
 *       {@code ∂L/∂x = ĝ / √(s + ε)} where s is the backward statistic (below).
 *   <li>Inference: {@code y = γ x/√(ψ + ε) + β}; no state changes.
 * </ol>
 *
 * <h2>Which statistic the backward divides by</h2>
 *
 * <p>The paper's Algorithm 2 divides the corrected gradient by the <em>running</em> statistic
 * ψ<sub>t−1</sub> — the same scale the forward used, which is what its bounded-gradient analysis
 * assumes. The authors' released code ({@code PowerFunction.backward}) divides by the
 * <em>batch</em> statistic {@code √(σ²_B + ε)}, also after warm-up, and that code produced every
 * number the paper reports. The two agree during warm-up (the forward uses σ²_B there). lipreg
 * follows the released code by default, {@link BackwardStatistic#BATCH}, so that results are
 * comparable with the published ones; {@link BackwardStatistic#RUNNING} gives Algorithm 2's
 * choice. (The paper writes {@code ĝ = g − ν z} with {@code ν ← ν(1 − (1−α)Γ) + (1−α)Λ}; with
 * ν<sub>paper</sub> = (1−α) ν<sub>code</sub> that is the code's recurrence above, so the two
 * agree on everything but this divisor.)
 *
 * <h2>How the custom backward is emulated in DJL</h2>
 *
 * <p>DJL has no custom autograd functions; this layer reshapes autograd's gradient with three
 * devices (DESIGN §2.4) and the per-step {@link StepHook} (§2.6):
 *
 * <ul>
 *   <li>The scale switch: with r_f the forward root ({@code √(σ²_B+ε)} in warm-up, else
 *       {@code √(ψ+ε)}) and r_b the backward root (both detached),
 *       {@code z = (x/r_b − stopGradient(x/r_b)) + stopGradient(x/r_f)}: the value is exactly
 *       {@code x/r_f} and autograd sees {@code ∂z/∂x = 1/r_b}. (When r_f = r_b, simply
 *       {@code z = x/r}.)
 *   <li>A probe: a fresh zero leaf p requiring gradient, {@code y = γ (z + p) + β}; after
 *       backward, {@code ∂L/∂p = γ ⊙ ∂L/∂y = g}.
 *   <li>A zero-valued loss term from {@link #auxiliaryLoss}: {@code a − stopGradient(a)} with
 *       {@code a = Σ c ⊙ x} and c detached; its value is 0 and it adds exactly c to ∂L/∂x.
 * </ul>
 *
 * <p>Derivation. At step k the reference backward computes {@code ĝ_k = g_k − (1−α_bkw) ν_{k−1}
 * z_k}, with ν<sub>k−1</sub> the value <em>before</em> its own in-place update (the update comes
 * after ĝ is formed), i.e. the ν left by the previous step's backward. So the correction term
 * {@code −(1−α_bkw) ν_{k−1} z_k} needs nothing from this step's backward: ν<sub>k−1</sub> is known
 * before the forward and z<sub>k</sub> after it. The target is
 * {@code ∂L/∂x = ĝ_k / r_b = g_k / r_b − (1−α_bkw) ν_{k−1} z_k / r_b}. Autograd through the
 * switch gives the first part, {@code g_k / r_b} (the probe adds 0 to the value and the identity
 * to the chain); the auxiliary term with {@code c = −(1−α_bkw) ν_{k−1} ⊙ z_k / r_b} adds the
 * second. The sum is exactly the reference gradient, and it continues through group scaling by
 * plain autograd as in the reference. Then {@link #afterBackward} reads {@code g_k} from the probe
 * and sets {@code ν_k = ν_{k−1} + mean(ĝ_k ⊙ z_k)}. The gradients of γ and β are plain autograd:
 * {@code Σ ∂L/∂y ⊙ z} and {@code Σ ∂L/∂y}, as in the reference.
 *
 * <p>State updates once per training step: under lipreg's runner (which calls {@link
 * #beforeForward}) only a step's first training forward counts k, updates ψ, and takes part in the
 * approximate backward; further training forwards in the same step (e.g. an adversarial inner
 * loop) normalize the same way (same k, ψ from before the step's update) with plain autograd
 * through the switch and no ν correction. Without the runner every training forward counts and
 * updates ψ, as DJL's {@code BatchNorm} does, but there is no probe, so ν stays as it is and the
 * backward is {@code g / r_b} — the approximate backward needs the hook. ψ, ν and k are DJL
 * parameters (no gradient): saved and restored with the model and in the runner's checkpoints. k
 * is held in the model's precision, exact in float32 up to 2²⁴ steps, far beyond any warm-up.
 * One device per block: the step's record assumes one forward replica.
 *
 * <h2>{@link Variant#VANILLA} (PN-V)</h2>
 *
 * <p>The ablation baseline (DESIGN marks its definition unverified): group scaling, then
 * {@code y = γ x/√(σ²_B + ε) + β} with the batch quadratic mean σ²_B over non-padded tokens, in
 * training and inference alike, and plain autograd (the gradient flows through σ²_B). No running
 * statistics, no state, no hook activity; the block holds only γ and β.
 */
public final class PowerNorm extends AbstractBlock implements StepHook {

    private static final byte VERSION = 1;

    /** Which normalization the block performs. */
    public enum Variant {
        /** PowerNorm: running quadratic mean and the approximate backward. */
        POWER,
        /** PN-V: batch quadratic mean only, plain autograd. */
        VANILLA
    }

    /** The statistic the approximate backward divides by after warm-up. */
    public enum BackwardStatistic {
        /** The batch quadratic mean σ²_B, as the authors' released code does (the default). */
        BATCH,
        /** The running quadratic mean ψ the forward used, as the paper's Algorithm 2 writes. */
        RUNNING
    }

    private final Variant variant;
    private final BackwardStatistic backwardStatistic;
    private final int groups;
    private final long warmup;
    private final float alphaForward;
    private final float alphaBackward;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter psi;
    private final Parameter nu;
    private final Parameter steps;

    private boolean hookDriven;
    private boolean pending;
    private NDManager stepManager;
    /** The step's counted forward, for the auxiliary term and the ν update; null when none. */
    private Recorded recorded;
    /** k and the forward root of ψ of the current step, for further forwards in the same step. */
    private double stepK;
    private NDArray stepRunningRoot;

    /** What the step's counted forward leaves for the hook. */
    private static final class Recorded {
        final NDArray probe;
        final NDArray z;
        final NDArray input;
        final NDArray backwardRoot;
        final NDArray nu;
        final double tokens;
        boolean auxiliaryTaken;

        Recorded(NDArray probe, NDArray z, NDArray input, NDArray backwardRoot, NDArray nu, double tokens) {
            this.probe = probe;
            this.z = z;
            this.input = input;
            this.backwardRoot = backwardRoot;
            this.nu = nu;
            this.tokens = tokens;
        }
    }

    private PowerNorm(Builder b) {
        super(VERSION);
        variant = b.variant;
        backwardStatistic = b.backwardStatistic;
        groups = b.groups;
        warmup = b.warmup;
        alphaForward = b.alphaForward;
        alphaBackward = b.alphaBackward;
        epsilon = b.epsilon;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
        if (variant == Variant.POWER) {
            psi = addParameter(Parameter.builder().setName("psi").setType(Parameter.Type.OTHER)
                    .optInitializer(Initializer.ONES).optRequiresGrad(false).build());
            nu = addParameter(Parameter.builder().setName("nu").setType(Parameter.Type.OTHER)
                    .optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
            steps = addParameter(Parameter.builder().setName("steps").setType(Parameter.Type.OTHER)
                    .optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        } else {
            psi = null;
            nu = null;
            steps = null;
        }
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the variant.
     *
     * @return the variant
     */
    public Variant getVariant() {
        return variant;
    }

    /**
     * Returns the statistic the approximate backward divides by after warm-up.
     *
     * @return the backward statistic
     */
    public BackwardStatistic getBackwardStatistic() {
        return backwardStatistic;
    }

    /**
     * Returns the number of training steps counted so far (k after the last step); 0 for PN-V.
     *
     * @return k
     */
    public long getSteps() {
        return steps == null || steps.getArray() == null ? 0 : Math.round(scalar(steps.getArray()));
    }

    /**
     * Group scaling: splits the last axis of {@code x} into {@code groups} groups and divides each
     * by {@code √(mean over the group of x² + ε)}.
     *
     * @param x input {@code (..., C)}
     * @param groups the number of groups, dividing C
     * @param epsilon ε
     * @return the scaled input, same shape
     */
    public static NDArray groupScale(NDArray x, int groups, float epsilon) {
        Shape shape = x.getShape();
        long channels = shape.get(shape.dimension() - 1);
        if (groups == 1) {
            return x.div(x.square().mean(new int[] {shape.dimension() - 1}, true).add(epsilon).sqrt());
        }
        NDArray grouped = x.reshape(-1, groups, channels / groups);
        return grouped.div(grouped.square().mean(new int[] {2}, true).add(epsilon).sqrt()).reshape(shape);
    }

    @Override
    public void beforeForward(StepContext step) {
        if (variant != Variant.POWER) {
            return;
        }
        hookDriven = true;
        pending = true;
        recorded = null;
        stepRunningRoot = null;
        stepManager = step.manager();
    }

    @Override
    public NDArray auxiliaryLoss(StepContext step) {
        Recorded r = recorded;
        if (r == null || r.auxiliaryTaken) {
            return null;
        }
        r.auxiliaryTaken = true;
        return Ownership.computeInto(step.manager(), () -> {
            // c = −(1−α_bkw) ν_{k−1} ⊙ z_k / r_b, all detached; a = Σ c ⊙ x; the term a − sg(a).
            NDArray c = r.z.mul(Scalars.mul(r.nu, -(1.0 - alphaBackward))).div(r.backwardRoot);
            NDArray a = r.input.mul(c).sum();
            return a.sub(a.stopGradient());
        });
    }

    @Override
    public void afterBackward(StepContext step) {
        Recorded r = recorded;
        recorded = null;
        if (r == null) {
            return;
        }
        NDArray target = nu.getArray();
        try (NDScope scope = new NDScope()) {
            NDArray g = r.probe.getGradient();
            NDArray corrected = g.sub(r.z.mul(Scalars.mul(r.nu, 1.0 - alphaBackward)));
            target.addi(Scalars.div(corrected.mul(r.z).sum(new int[] {0}), r.tokens));
            g.close();
            scope.suppressNotUsedWarning();
        }
        r.probe.close();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException("PowerNorm takes the input and an optional padding mask, got "
                    + inputs.size() + " arrays");
        }
        NDArray x = inputs.get(0);
        Shape shape = x.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException("PowerNorm input must be (B, T, C), (T, B, C) or (N, C), got " + shape);
        }
        long channels = shape.get(shape.dimension() - 1);
        checkChannels(channels);
        NDArray padding = inputs.size() == 2 ? inputs.get(1) : null;
        Shape leading = shape.slice(0, shape.dimension() - 1);
        if (padding != null && !padding.getShape().equals(leading)) {
            throw new IllegalArgumentException("PowerNorm padding mask must have the input's leading shape "
                    + leading + ", got " + padding.getShape());
        }
        NDArray g = store.getValue(gamma, x.getDevice(), training);
        NDArray b = store.getValue(beta, x.getDevice(), training);
        if (variant == Variant.VANILLA) {
            return new NDList(Ownership.computeInto(x.getManager(), () -> {
                Tokens t = tokens(x, padding, channels);
                NDArray quadraticMean = Scalars.div(t.scaled.square().sum(new int[] {0}), t.count);
                return t.output(t.scaled.div(quadraticMean.add(epsilon).sqrt()).mul(g).add(b), shape);
            }));
        }
        NDArray runningPsi = store.getValue(psi, x.getDevice(), training);
        if (!training) {
            return new NDList(Ownership.computeInto(x.getManager(), () -> {
                Tokens t = tokens(x, padding, channels);
                return t.output(t.scaled.div(runningPsi.add(epsilon).sqrt()).mul(g).add(b), shape);
            }));
        }
        boolean count = !hookDriven || pending;
        pending = false;
        NDArray counter = store.getValue(steps, x.getDevice(), true);
        NDArray runningNu = store.getValue(nu, x.getDevice(), true);
        return new NDList(Ownership.computeInto(x.getManager(),
                () -> train(x, padding, shape, channels, g, b, runningPsi, runningNu, counter, count)));
    }

    private NDArray train(NDArray x, NDArray padding, Shape shape, long channels, NDArray g, NDArray b,
            NDArray runningPsi, NDArray runningNu, NDArray counter, boolean count) {
        Tokens t = tokens(x, padding, channels);
        NDArray data = t.scaled.stopGradient();
        NDArray batchMean = Scalars.div(data.square().sum(new int[] {0}), t.count);
        NDArray batchRoot = batchMean.add(epsilon).sqrt();
        double k;
        NDArray runningRoot;
        if (count || stepRunningRoot == null) {
            k = scalar(counter) + 1;
            runningRoot = runningPsi.add(epsilon).sqrt();
            if (hookDriven) {
                stepK = k;
                stepRunningRoot = keep(runningRoot.duplicate(), stepManager);
            }
        } else {
            k = stepK;
            runningRoot = stepRunningRoot;
        }
        boolean warm = k <= warmup;
        NDArray forwardRoot = warm ? batchRoot : runningRoot;
        NDArray backwardRoot = warm || backwardStatistic == BackwardStatistic.BATCH ? batchRoot : runningRoot;
        NDArray z;
        if (forwardRoot == backwardRoot) {
            z = t.scaled.div(forwardRoot);
        } else {
            // Value x/r_f exactly (a − a is exactly 0); autograd sees ∂z/∂x = 1/r_b.
            NDArray seen = t.scaled.div(backwardRoot);
            z = seen.sub(seen.stopGradient()).add(data.div(forwardRoot));
        }
        NDArray normalized = z;
        if (count && hookDriven) {
            NDArray probe = keep(stepManager.zeros(z.getShape(), z.getDataType(), z.getDevice()), stepManager);
            probe.setRequiresGradient(true);
            normalized = z.add(probe);
            recorded = new Recorded(probe, keep(z.stopGradient(), stepManager), keep(t.scaled, stepManager),
                    keep(backwardRoot.duplicate(), stepManager), keep(runningNu.duplicate(), stepManager), t.count);
        }
        if (count) {
            if (k < warmup) {
                Scalars.muli(runningPsi, (k - 1) / k).addi(Scalars.div(batchMean, k));
            }
            Scalars.muli(runningPsi, alphaForward).addi(Scalars.mul(batchMean, 1.0 - alphaForward));
            counter.addi(1);
        }
        return t.output(normalized.mul(g).add(b), shape);
    }

    /** The group-scaled tokens {@code (N, C)}, padded rows zero, and the number of real tokens. */
    private final class Tokens {
        final NDArray scaled;
        final NDArray valid;
        final double count;

        Tokens(NDArray scaled, NDArray valid, double count) {
            this.scaled = scaled;
            this.valid = valid;
            this.count = count;
        }

        /** Zeroes padded rows of a token-major result and gives it the input's shape. */
        NDArray output(NDArray y, Shape shape) {
            NDArray masked = valid == null ? y : NDArrays.where(valid.broadcast(y.getShape()), y, y.zerosLike());
            return masked.reshape(shape);
        }
    }

    private Tokens tokens(NDArray x, NDArray padding, long channels) {
        NDArray flat = x.reshape(-1, channels);
        NDArray valid = null;
        double count = flat.getShape().get(0);
        if (padding != null) {
            NDArray padded = padding.getDataType() == DataType.BOOLEAN ? padding : padding.neq(0);
            valid = padded.logicalNot().reshape(-1, 1);
            // Padded values (whatever they are, NaN included) never enter the computation.
            flat = NDArrays.where(valid.broadcast(flat.getShape()), flat, flat.zerosLike());
            count = Math.max(1, scalar(valid.toType(DataType.FLOAT64, false).sum()));
        }
        return new Tokens(groupScale(flat, groups, epsilon), valid, count);
    }

    /** Takes an array out of the current scope and gives it to a manager. */
    private static NDArray keep(NDArray array, NDManager owner) {
        NDScope.unregister(array);
        array.attach(owner);
        return array;
    }

    private static double scalar(NDArray array) {
        if (array.getDataType() == DataType.FLOAT64) {
            return array.toDoubleArray()[0];
        }
        try (NDArray wide = array.toType(DataType.FLOAT64, true)) {
            return wide.toDoubleArray()[0];
        }
    }

    private void checkChannels(long channels) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must divide the number of channels (" + channels + ")");
        }
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long channels = in.get(in.dimension() - 1);
        checkChannels(channels);
        gamma.setShape(new Shape(channels));
        beta.setShape(new Shape(channels));
        if (variant == Variant.POWER) {
            psi.setShape(new Shape(channels));
            nu.setShape(new Shape(channels));
            steps.setShape(new Shape(1));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeUTF(variant.name());
        os.writeInt(groups);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("PowerNorm: parameters saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
        String savedVariant = is.readUTF();
        int savedGroups = is.readInt();
        if (!savedVariant.equals(variant.name()) || savedGroups != groups) {
            throw new MalformedModelException("PowerNorm: parameters saved for variant " + savedVariant + " with "
                    + savedGroups + " groups, but this block is " + variant + " with " + groups + " groups");
        }
    }

    /** Builds a {@link PowerNorm}. */
    public static final class Builder {
        private Variant variant = Variant.POWER;
        private BackwardStatistic backwardStatistic = BackwardStatistic.BATCH;
        private int groups = 1;
        private long warmup = 1000;
        private float alphaForward = 0.9f;
        private float alphaBackward = 0.9f;
        private float epsilon = 1e-5f;

        Builder() {}

        /**
         * Sets the variant (default {@link Variant#POWER}).
         *
         * @param variant the variant
         * @return this builder
         */
        public Builder optVariant(Variant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /**
         * Sets the statistic the approximate backward divides by after warm-up (default {@link
         * BackwardStatistic#BATCH}, as the authors' code).
         *
         * @param statistic the statistic
         * @return this builder
         */
        public Builder optBackwardStatistic(BackwardStatistic statistic) {
            this.backwardStatistic = Objects.requireNonNull(statistic, "backward statistic");
            return this;
        }

        /**
         * Sets the number of group-scaling groups g (default 1; the number of attention heads in a
         * transformer).
         *
         * @param groups at least 1, dividing the channels
         * @return this builder
         */
        public Builder optGroups(int groups) {
            if (groups < 1) {
                throw new IllegalArgumentException("groups must be at least 1, got " + groups);
            }
            this.groups = groups;
            return this;
        }

        /**
         * Sets the warm-up K (default 1000): steps k ≤ K normalize with batch statistics.
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder optWarmup(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("warmup must be at least 0, got " + steps);
            }
            this.warmup = steps;
            return this;
        }

        /**
         * Sets α_fwd, the running quadratic mean's decay (default 0.9).
         *
         * @param alpha in [0, 1]
         * @return this builder
         */
        public Builder optAlphaForward(float alpha) {
            this.alphaForward = checkAlpha("alphaForward", alpha);
            return this;
        }

        /**
         * Sets α_bkw, the approximate backward's decay (default 0.9).
         *
         * @param alpha in [0, 1]
         * @return this builder
         */
        public Builder optAlphaBackward(float alpha) {
            this.alphaBackward = checkAlpha("alphaBackward", alpha);
            return this;
        }

        /**
         * Sets ε (default 1e-5), used by group scaling and by the normalization.
         *
         * @param epsilon positive
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        private static float checkAlpha(String name, float alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], got " + alpha);
            }
            return alpha;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         */
        public PowerNorm build() {
            return new PowerNorm(this);
        }
    }
}
