package org.lipreg.normalization.groupnorm;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.ConstantArrays;
import org.lipreg.normalization.internal.Ownership;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Batch-Channel Normalization (Qiao et al.): a per-channel batch-knowledge step, then group
 * normalization — {@code BCN(x) = GN(BN(x))}.
 *
 * <p><b>Large-batch mode</b>: the first step is ordinary batch normalization with its own
 * per-channel affine (batch statistics in training, running statistics in inference, running
 * statistics updated with momentum 0.1 in PyTorch's sense).
 *
 * <p><b>Micro-batch mode</b> (1–2 images per step, the paper's point): the first step always
 * normalizes with <em>estimated</em> statistics μ̂, σ̂², in training and inference alike:
 * {@code x₁ = γ_b (x − μ̂)/√(σ̂² + ε) + β_b}, with no gradient through μ̂, σ̂². In training,
 * before normalizing: {@code μ_B = mean_{N,*} x}, {@code s² = mean_{N,*} (x − μ̂_old)²},
 * {@code μ̂ ← (1−r) μ̂ + r μ_B}, {@code σ̂² ← (1−r) σ̂² + r s²}, where the moving speed {@code r}
 * follows a schedule of the update count t. The default schedule is {@code r_t = max(r, 1/t)}
 * with r = 0.01: a cumulative average over the first 1/r steps (so the estimates start from
 * data, not from their initial 0 and 1), then an exponential average. The authors did not
 * publish theirs.
 *
 * <p>The second step is {@link GroupNorm} with a per-channel affine (the reference code uses a
 * per-group affine; per-channel contains it).
 *
 * <p>Statistics update once per training step: when the block runs under lipreg's training
 * runner (which calls {@link StepHook#beforeForward}), further training forwards in the same step
 * (e.g. an adversarial inner loop) normalize without updating; without the runner every
 * training forward updates, as DJL's {@code BatchNorm} does. Running statistics and the update
 * count are DJL parameters, saved and restored with the model; a file written by an
 * incompatible version, or with another mode or group count, is refused with a clear error.
 */
public final class BatchChannelNorm extends AbstractBlock implements StepHook {

    private static final byte VERSION = 1;

    /** How the first (batch-knowledge) step gets its statistics. */
    public enum Mode {
        /** Ordinary batch normalization. */
        LARGE_BATCH,
        /** Estimated statistics, updated before normalizing, used in training and inference. */
        MICRO_BATCH
    }

    private final Mode mode;
    private final float epsilon;
    private final float momentum;
    private final Tracker movingSpeed;
    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter updates;
    private final GroupNorm groupNorm;
    private final ConstantArrays constants = new ConstantArrays();
    private boolean hookDriven;
    private boolean updatePending;

    private BatchChannelNorm(Builder b) {
        super(VERSION);
        mode = b.mode;
        epsilon = b.epsilon;
        momentum = b.momentum;
        movingSpeed = b.movingSpeed;
        groups = b.groups;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean")
                .setType(Parameter.Type.RUNNING_MEAN).optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar")
                .setType(Parameter.Type.RUNNING_VAR).optRequiresGrad(false).build());
        updates = addParameter(Parameter.builder().setName("updates").setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        groupNorm = addChildBlock("groupNorm", GroupNorm.builder().optGroups(b.groups).optEpsilon(b.epsilon).build());
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
     * Returns the mode.
     *
     * @return the mode
     */
    public Mode getMode() {
        return mode;
    }

    /**
     * Returns ε (of both the channel step and the group step).
     *
     * @return ε
     */
    public float getEpsilon() {
        return epsilon;
    }

    /**
     * Returns the group normalization that follows the channel step.
     *
     * @return the group step
     */
    public GroupNorm getGroupNorm() {
        return groupNorm;
    }

    /**
     * The default moving-speed schedule {@code r_t = max(r, 1/t)}.
     *
     * @param r the final moving speed, in (0, 1]
     * @return the schedule
     */
    public static Tracker cumulativeThenConstant(float r) {
        checkSpeed(r);
        return t -> Math.max(r, 1f / Math.max(1, t));
    }

    @Override
    public void beforeForward(StepContext step) {
        hookDriven = true;
        updatePending = true;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = store.getValue(gamma, x.getDevice(), training);
        NDArray b = store.getValue(beta, x.getDevice(), training);
        NDArray mean = store.getValue(runningMean, x.getDevice(), training);
        NDArray var = store.getValue(runningVar, x.getDevice(), training);
        boolean update = training && (!hookDriven || updatePending);
        if (training) {
            updatePending = false;
        }
        NDArray first;
        if (mode == Mode.LARGE_BATCH) {
            if (update || !training) {
                first = BatchNorm.batchNorm(x, mean, var, g, b, 1, 1f - momentum, epsilon, training).singletonOrThrow();
            } else {
                // Batch statistics without touching the running ones: hand the engine copies.
                first = Ownership.computeInto(x.getManager(), () -> BatchNorm.batchNorm(
                        x, mean.duplicate(), var.duplicate(), g, b, 1, 1f - momentum, epsilon, true).singletonOrThrow());
            }
            if (update) {
                updates.getArray().addi(1);
            }
        } else {
            if (update) {
                updateEstimates(x, mean, var, store.getValue(updates, x.getDevice(), training));
            }
            // Batch norm in inference form is exactly γ(x − μ̂)/√(σ̂² + ε) + β, in one kernel, with no
            // gradient to the estimates. The kernel keeps the estimates for backward; they change
            // in place at the next update, so a graph must not outlive one. Under the hook, updates
            // happen only at a step's first forward, before any of its graphs exist; otherwise
            // (plain DJL use, every training forward updates) the kernel gets copies.
            boolean copy = training && !hookDriven;
            first = Ownership.computeInto(x.getManager(), () -> BatchNorm.batchNorm(x,
                    copy ? mean.duplicate() : mean, copy ? var.duplicate() : var, g, b, 1, 1f - momentum, epsilon, false)
                    .singletonOrThrow());
        }
        return groupNorm.forward(store, new NDList(first), training, params);
    }

    private void updateEstimates(NDArray x, NDArray mean, NDArray var, NDArray count) {
        try (NDScope scope = new NDScope()) {
            double done = count.getDataType() == DataType.FLOAT32 ? count.getFloat() : count.toType(DataType.FLOAT64, false).getDouble();
            int t = (int) Math.round(done) + 1;
            double r = checkSpeed(movingSpeed.getNewValue(t)); // double: exact in float64 models
            long channels = x.getShape().get(1);
            long perChannel = x.getShape().size() / channels;
            NDArray data = x.stopGradient();
            NDArray shift; // μ_B − μ̂_old
            NDArray spread;
            if (perChannel >= 2) {
                // One fused pass: batch norm in training with momentum 1 leaves the batch mean and
                // the unbiased batch variance in its "running" arrays. Then
                // s² = mean (x − μ̂_old)² = biased variance + (μ_B − μ̂_old)².
                // The kernel overwrites its "running" arrays entirely (momentum 1), so scratch
                // arrays from the last step can be reused as they are.
                NDManager owner = mean.getManager();
                DataType type = x.getDataType();
                NDArray batchMean = constants.scratch("batch-mean", owner, channels, type);
                NDArray unbiased = constants.scratch("batch-var", owner, channels, type);
                BatchNorm.batchNorm(data, batchMean, unbiased, constants.ones(owner, channels, type),
                        constants.zeros(owner, channels, type), 1, 0f, epsilon, true);
                shift = batchMean.sub(mean);
                NDArray bessel = constants.scalar("bessel", owner, (perChannel - 1) / (double) perChannel, type);
                spread = unbiased.mul(bessel).add(shift.square());
            } else {
                NDArray flat = data.swapAxes(0, 1).reshape(channels, -1);
                shift = flat.mean(new int[] {1}).sub(mean);
                spread = flat.sub(mean.reshape(channels, 1)).square().mean(new int[] {1});
            }
            // (1 − r) a + r b as a + r (b − a): one scalar product fewer per estimate (at one or two
            // images per step a layer's time is mostly its number of engine calls).
            // The speed is the same from step to step once its schedule levels off: a cached scalar.
            NDArray speed = constants.scalar("speed", mean.getManager(), r, mean.getDataType());
            mean.addi(shift.mul(speed));
            var.addi(spread.sub(var).mul(speed));
            count.addi(1);
            scope.suppressNotUsedWarning();
        }
    }

    private static float checkSpeed(float r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("movingSpeed must be in [0, 1], got " + r);
        }
        return r;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        groupNorm.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long channels = inputShapes[0].get(1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must divide the number of channels (" + channels + ")");
        }
        for (Parameter p : new Parameter[] {gamma, beta, runningMean, runningVar}) {
            p.setShape(new Shape(channels));
        }
        updates.setShape(new Shape(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeUTF(mode.name());
        os.writeInt(groups);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("BatchChannelNorm: parameters saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
        String savedMode = is.readUTF();
        int savedGroups = is.readInt();
        if (!savedMode.equals(mode.name()) || savedGroups != groups) {
            throw new MalformedModelException("BatchChannelNorm: parameters saved for mode " + savedMode + " with "
                    + savedGroups + " groups, but this block is " + mode + " with " + groups + " groups");
        }
    }

    /** Builds a {@link BatchChannelNorm}. */
    public static final class Builder {
        private Mode mode = Mode.MICRO_BATCH;
        private int groups = GroupNorm.DEFAULT_GROUPS;
        private float epsilon = 1e-5f;
        private float momentum = 0.1f;
        private Tracker movingSpeed = cumulativeThenConstant(0.01f);

        Builder() {}

        /**
         * Sets the mode (default {@link Mode#MICRO_BATCH}).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder optMode(Mode mode) {
            this.mode = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Sets the number of groups of the group-normalization step (default 32).
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
         * Sets ε (default 1e-5).
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

        /**
         * Sets the large-batch running-statistics momentum in PyTorch's sense (default 0.1: the
         * new batch gets weight 0.1).
         *
         * @param momentum in [0, 1]
         * @return this builder
         */
        public Builder optMomentum(float momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the micro-batch moving speed r, using the default schedule {@code max(r, 1/t)}.
         *
         * @param r in (0, 1]
         * @return this builder
         */
        public Builder optMovingSpeed(float r) {
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException("movingSpeed must be in (0, 1], got " + r);
            }
            this.movingSpeed = cumulativeThenConstant(r);
            return this;
        }

        /**
         * Sets any schedule for the micro-batch moving speed, called with the 1-based update
         * count; its values must lie in [0, 1].
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder optMovingSpeedSchedule(Tracker schedule) {
            this.movingSpeed = java.util.Objects.requireNonNull(schedule, "movingSpeed schedule");
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         */
        public BatchChannelNorm build() {
            return new BatchChannelNorm(this);
        }
    }
}
