package org.lipreg.rl.sac;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;

import org.lipreg.training.ascent.ProjectedAscent;
import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.optimizer.CheckpointableOptimizer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Soft actor-critic (Haarnoja et al. 2018, with the automatic entropy tuning of the 2019
 * version): a tanh-Gaussian policy, two Q networks with Polyak-averaged targets, and a learned
 * temperature α whose target entropy is −dim(A).
 *
 * <p>One {@link #update} on a batch (s, a, r, s', d):
 * <pre>
 * y       = r + γ (1 − d) (min_i Q'_i(s', ã') − α log π(ã'|s')),   ã' ~ π(s')
 * critic  = ½ Σ_i mean (Q_i(s, a) − y)²
 * actor   = mean (α log π(ã|s) − min_i Q_i(s, ã)),                  ã ~ π(s), reparameterized
 * alpha   = −mean (log α · (log π(ã|s) + target entropy))            (log π detached)
 * Q'_i    ← τ Q_i + (1 − τ) Q'_i
 * </pre>
 * Actions are in [−1, 1] inside the agent and scaled to the environment's bounds outside.
 */
public final class SacAgent implements AutoCloseable {

    /** The temperature's key in its optimizer, fixed so that checkpoints can name it. */
    private static final String ALPHA_ID = "log_alpha";

    private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

    /** The online networks' keys in their optimizers and names in a checkpoint. */
    private static final String ACTOR = "actor";

    private static final String Q1 = "q1";

    private static final String Q2 = "q2";

    private final NDManager manager;
    private final int observationSize;
    private final int actionSize;
    private final TanhGaussianPolicy policy;
    private final Block q1;
    private final Block q2;
    private final Block q1Target;
    private final Block q2Target;
    // The learned parameters of each network as one flat array (Adam and Polyak once per network).
    private final FlatParameters actorParameters;
    private final FlatParameters q1Parameters;
    private final FlatParameters q2Parameters;
    private final FlatParameters q1TargetParameters;
    private final FlatParameters q2TargetParameters;
    private final NDArray logAlpha;
    private final AdamOptimizer actorOptimizer;
    private final AdamOptimizer criticOptimizer;
    private final AdamOptimizer alphaOptimizer;
    private final float gamma;
    private final float tau;
    private final float targetEntropy;
    private final AdversarialCriticPenalty penalty;
    private final UpdateConstants constants;

    private SacAgent(Builder b) {
        this.observationSize = b.observationSize;
        this.actionSize = b.actionSize;
        this.gamma = (float) b.gamma;
        this.tau = (float) b.tau;
        this.targetEntropy = -actionSize;
        this.penalty = b.penalty;
        this.manager = NDManager.newBaseManager();
        this.constants = new UpdateConstants(manager);
        Engine.getInstance().setRandomSeed((int) (b.seed & Integer.MAX_VALUE));
        Shape obs = new Shape(1, observationSize);
        Shape obsAct = new Shape(1, observationSize + actionSize);
        Block actor = Mlp.of(b.hidden, 2 * actionSize);
        actor.initialize(manager, DataType.FLOAT32, obs);
        this.policy = new TanhGaussianPolicy(actor, actionSize, manager);
        this.q1 = initialized(b.critic.get(), obsAct);
        this.q2 = initialized(b.critic.get(), obsAct);
        this.q1Target = initialized(b.critic.get(), obsAct);
        this.q2Target = initialized(b.critic.get(), obsAct);
        copyParameters(q1, q1Target);
        copyParameters(q2, q2Target);
        this.actorParameters = new FlatParameters(actor, true);
        this.q1Parameters = new FlatParameters(q1, true);
        this.q2Parameters = new FlatParameters(q2, true);
        this.q1TargetParameters = new FlatParameters(q1Target, false);
        this.q2TargetParameters = new FlatParameters(q2Target, false);
        this.logAlpha = manager.create(new float[] {(float) Math.log(b.initialAlpha)});
        logAlpha.setRequiresGradient(true);
        this.actorOptimizer = adam(b.actorLearningRate);
        this.criticOptimizer = adam(b.criticLearningRate);
        this.alphaOptimizer = adam(b.alphaLearningRate);
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** What one update did, for logs. */
    public record Losses(double critic, double actor, double alphaLoss, double alpha, double meanQ) {}

    /**
     * Chooses actions in [−1, 1] for a batch of observations.
     *
     * @param observations (B × observationSize), row-major
     * @param deterministic tanh of the mean (evaluation) instead of a sample
     * @return (B × actionSize), row-major
     */
    public float[] act(float[] observations, boolean deterministic) {
        try (NDManager m = manager.newSubManager()) {
            int rows = observations.length / observationSize;
            NDArray obs = m.create(observations, new Shape(rows, observationSize));
            ParameterStore store = new ParameterStore(m, false);
            NDArray action = deterministic ? policy.mean(store, obs) : policy.sample(store, obs, false).action();
            return action.toFloatArray();
        }
    }

    /**
     * Returns the current temperature.
     *
     * @return α
     */
    public double alpha() {
        return Math.exp(logAlpha.getFloat());
    }

    /**
     * Returns the critics, for Lipschitz estimates.
     *
     * @return the two Q networks
     */
    public Block[] critics() {
        return new Block[] {q1, q2};
    }

    /**
     * Writes everything later updates depend on, for a checkpoint: the actor, both critics and
     * their targets (spectral normalization's vectors included), the temperature, and the three
     * Adam optimizers' moments and step counts.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(observationSize);
        out.writeInt(actionSize);
        for (Map.Entry<String, Block> network : networks().entrySet()) {
            ParameterArrays.write(out, network.getValue());
        }
        ParameterArrays.writeArray(out, logAlpha);
        // The optimizers key their state by network name (one flat array each) and by ALPHA_ID.
        for (CheckpointableOptimizer optimizer : new CheckpointableOptimizer[] {actorOptimizer, criticOptimizer,
            alphaOptimizer}) {
            optimizer.saveState(out, id -> id);
        }
    }

    /**
     * Replaces the agent's state with what {@link #save} wrote from an agent of the same shape.
     *
     * @param in the checkpoint stream
     * @throws IOException if the stream holds another agent's state
     */
    public void load(DataInputStream in) throws IOException {
        int savedObservation = in.readInt();
        int savedAction = in.readInt();
        if (savedObservation != observationSize || savedAction != actionSize) {
            throw new IOException("the checkpoint's agent has observation/action sizes " + savedObservation + "/"
                    + savedAction + ", this one " + observationSize + "/" + actionSize);
        }
        for (Map.Entry<String, Block> network : networks().entrySet()) {
            ParameterArrays.read(in, network.getValue(), network.getKey());
        }
        ParameterArrays.readArray(in, logAlpha, ALPHA_ID);
        actorOptimizer.loadState(in, name -> ACTOR.equals(name) ? name : null, manager);
        criticOptimizer.loadState(in, name -> Q1.equals(name) || Q2.equals(name) ? name : null, manager);
        alphaOptimizer.loadState(in, name -> ALPHA_ID.equals(name) ? name : null, manager);
    }

    /** The networks by the names a checkpoint gives them, in a fixed order. */
    private Map<String, Block> networks() {
        Map<String, Block> networks = new java.util.LinkedHashMap<>();
        networks.put(ACTOR, policy.network());
        networks.put(Q1, q1);
        networks.put(Q2, q2);
        networks.put("q1-target", q1Target);
        networks.put("q2-target", q2Target);
        return networks;
    }

    /**
     * One gradient step of the critics, the actor and the temperature, then the target update.
     *
     * @param batch transitions
     * @return the losses
     */
    public Losses update(ReplayBuffer.Batch batch) {
        return update(batch, null, null);
    }

    /**
     * {@link #update} with given policy noise for the target and the actor step (for tests).
     *
     * @param batch transitions
     * @param targetNoise ξ for ã' (B × actionSize), or null to draw it
     * @param actorNoise ξ for ã (B × actionSize), or null to draw it
     * @return the losses
     */
    Losses update(ReplayBuffer.Batch batch, float[] targetNoise, float[] actorNoise) {
        try (NDManager m = manager.newSubManager()) {
            int n = batch.size();
            NDArray s = m.create(batch.observations(), new Shape(n, observationSize));
            NDArray a = m.create(batch.actions(), new Shape(n, actionSize));
            NDArray r = m.create(batch.rewards(), new Shape(n, 1));
            NDArray s2 = m.create(batch.nextObservations(), new Shape(n, observationSize));
            NDArray notDone = m.create(batch.terminals(), new Shape(n, 1)).neg().add(constants.of(1));
            ParameterStore store = new ParameterStore(m, false);
            // α stays in the engine: reading it back here would cost a round trip every update.
            NDArray alpha = logAlpha.exp();
            alpha.attach(m);

            // Targets outside any gradient collector: no graph is built.
            TanhGaussianPolicy.Sample next = policy.sample(store, s2, false, noise(m, targetNoise, n));
            NDArray nextQ = ai.djl.ndarray.NDArrays.minimum(q(q1Target, store, s2, next.action(), false),
                    q(q2Target, store, s2, next.action(), false));
            NDArray y = r.add(notDone.mul(constants.of(gamma)).mul(nextQ.sub(next.logProb().mul(alpha))));

            // The ascent needs collectors of its own, so δ is found before the critic's opens.
            NDArray delta = penalty == null ? null : adversarialDelta(store, s, a);
            NDArray criticLoss;
            NDArray meanQ;
            // The critics' weights as views of their flat arrays, so that their gradients arrive flat.
            ParameterStore critics = new FlatParameters.Store(m, q1Parameters, q2Parameters);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray q1Value = q(q1, critics, s, a, true);
                NDArray q2Value = q(q2, critics, s, a, true);
                NDArray loss = q1Value.sub(y).square().mean().add(q2Value.sub(y).square().mean()).mul(constants.of(0.5));
                if (delta != null) {
                    NDArray shifted = s.add(delta);
                    NDArray change = q(q1, critics, shifted, a, true).sub(q1Value).square().mean()
                            .add(q(q2, critics, shifted, a, true).sub(q2Value).square().mean());
                    loss = loss.add(change.mul(constants.of(penalty.lambda())));
                }
                criticLoss = loss;
                meanQ = q1Value.mean();
                collector.backward(loss);
            }
            step(criticOptimizer, Q1, q1Parameters);
            step(criticOptimizer, Q2, q2Parameters);

            NDArray[] actorLosses = actorStep(store, s, noise(m, actorNoise, n), alpha);
            polyak(q1Parameters, q1TargetParameters, q1, q1Target);
            polyak(q2Parameters, q2TargetParameters, q2, q2Target);
            // One read-back per update, of everything the log and the divergence check need.
            float[] read = ai.djl.ndarray.NDArrays.stack(new NDList(criticLoss, actorLosses[0], actorLosses[1],
                    alpha.reshape(new Shape()), meanQ)).toFloatArray();
            Losses losses = new Losses(read[0], read[1], read[2], read[3], read[4]);
            if (!Double.isFinite(losses.critic()) || !Double.isFinite(losses.actor())
                    || !Double.isFinite(losses.alphaLoss())) {
                // The weights are already poisoned: stop here rather than act with NaN later.
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "SAC diverged: critic loss %s, actor loss %s, temperature loss %s (alpha %s)",
                        losses.critic(), losses.actor(), losses.alphaLoss(), losses.alpha()));
            }
            return losses;
        }
    }

    /**
     * The actor and temperature step: one backward pass of their summed losses, then Adam on the
     * actor and on log α.
     *
     * @param store the step's parameter store, for the critics (their weights get no gradient)
     * @param s the batch's states
     * @param actorNoise ξ for ã, or null to draw it
     * @param alpha the temperature of this update, α = exp(log α) before the step, not learned
     * @return the actor loss and the temperature loss, in the step's manager
     */
    NDArray[] actorStep(ParameterStore store, NDArray s, NDArray actorNoise, NDArray alpha) {
        NDArray actor;
        NDArray temperature;
        // Frozen critics: the plain store gives their weights as the networks hold them, detached
        // views of the flat arrays, so the backward pass reaches the action through them but
        // computes no gradients of their weights, which the actor step would only throw away.
        ParameterStore actorStore = new FlatParameters.Store(s.getManager(), actorParameters);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            TanhGaussianPolicy.Sample sample = policy.sample(actorStore, s, true, actorNoise);
            NDArray q = ai.djl.ndarray.NDArrays.minimum(q(q1, store, s, sample.action(), true),
                    q(q2, store, s, sample.action(), true));
            actor = sample.logProb().mul(alpha).sub(q).mean();
            // The first operand decides the result's manager: keep it the step's, not log α's.
            NDArray entropyGap = sample.logProb().stopGradient().add(constants.of(targetEntropy));
            temperature = entropyGap.mul(logAlpha).mean().neg();
            collector.backward(actor.add(temperature));
        }
        step(actorOptimizer, ACTOR, actorParameters);
        try (NDArray grad = logAlpha.getGradient()) {
            alphaOptimizer.update(ALPHA_ID, logAlpha, grad);
        }
        return new NDArray[] {actor, temperature};
    }

    /**
     * Returns the largest ℓ2 norm of the first critic's gradient with respect to its input
     * (state and action) over a batch: a sampled lower estimate of its local Lipschitz constant.
     *
     * @param batch states and actions, e.g. from the replay buffer
     * @return max over the rows of ‖∇_{(s,a)} Q_1(s, a)‖₂
     */
    public double criticGradientMax(ReplayBuffer.Batch batch) {
        try (NDManager m = manager.newSubManager()) {
            int n = batch.size();
            NDArray input = m.create(batch.observations(), new Shape(n, observationSize))
                    .concat(m.create(batch.actions(), new Shape(n, actionSize)), 1);
            input.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray q = q1.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow();
                collector.backward(q.sum()); // the weights are detached views: only the input gets a gradient
            }
            return input.getGradient().square().sum(new int[] {1}).sqrt().max().getFloat();
        }
    }

    /** Projected sign-gradient ascent of (Q_1(s + δ, a) − Q_1(s, a))² over ‖δ‖∞ ≤ ε. */
    NDArray adversarialDelta(ParameterStore store, NDArray s, NDArray a) {
        NDArray base = q(q1, store, s, a, false);
        NDArray delta = ProjectedAscent.builder().optNorm(ProjectedAscent.Norm.LINF)
                .optEpsilon((float) penalty.epsilon()).optSteps(penalty.steps()).optStepSize(penalty.stepSize())
                .build()
                .ascend(s, s.getManager(), point -> q(q1, store, point, a, false).sub(base).square().sum());
        return delta; // the store's critic weights are detached views: the ascent left them no gradient
    }

    private NDArray noise(NDManager m, float[] values, int rows) {
        return values == null ? null : m.create(values, new Shape(rows, actionSize));
    }

    /**
     * Returns the actor's policy.
     *
     * @return the policy
     */
    TanhGaussianPolicy policy() {
        return policy;
    }

    /**
     * Returns the online networks' flat parameter arrays, whose gradients the updates collect.
     *
     * @return the actor's, the first critic's and the second critic's
     */
    FlatParameters[] learnedParameters() {
        return new FlatParameters[] {actorParameters, q1Parameters, q2Parameters};
    }

    /**
     * Returns the target critics.
     *
     * @return Q'_1 and Q'_2
     */
    Block[] targetCritics() {
        return new Block[] {q1Target, q2Target};
    }

    private static NDArray q(Block critic, ParameterStore store, NDArray s, NDArray a, boolean training) {
        return critic.forward(store, new NDList(s.concat(a, 1)), training).singletonOrThrow();
    }

    /** One Adam step of a network's flat parameter array (the kernel also zeroes the gradient). */
    private static void step(AdamOptimizer optimizer, String name, FlatParameters network) {
        NDArray values = network.values();
        try (NDArray grad = values.getGradient()) {
            optimizer.update(name, values, grad);
        }
    }

    /**
     * {@code target ← τ online + (1 − τ) target} over the flat arrays; state that is not learned
     * (spectral normalization's power-iteration vectors) is copied from the online network, in
     * place and without a read-back.
     */
    private void polyak(FlatParameters online, FlatParameters target, Block onlineBlock, Block targetBlock) {
        try (NDArray scaled = online.values().mul(constants.of(tau))) {
            target.values().muli(constants.of(1 - tau)).addi(scaled);
        }
        var from = onlineBlock.getParameters();
        var to = targetBlock.getParameters();
        for (int i = 0; i < from.size(); i++) {
            if (!from.get(i).getValue().requiresGradient()) {
                to.get(i).getValue().getArray().set(ALL, from.get(i).getValue().getArray());
            }
        }
    }

    private static void copyParameters(Block source, Block target) {
        var from = source.getParameters();
        var to = target.getParameters();
        for (int i = 0; i < from.size(); i++) {
            to.get(i).getValue().getArray().set(from.get(i).getValue().getArray().toFloatArray());
        }
    }

    private Block initialized(Block block, Shape input) {
        block.initialize(manager, DataType.FLOAT32, input);
        return block;
    }

    private static AdamOptimizer adam(double learningRate) {
        return AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed((float) learningRate)).build();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds a {@link SacAgent}; defaults are the SAC paper's. */
    public static final class Builder {

        private int observationSize;
        private int actionSize;
        private int[] hidden = {256, 256};
        private java.util.function.Supplier<Block> critic;
        private double actorLearningRate = 3e-4;
        private double criticLearningRate = 3e-4;
        private double alphaLearningRate = 3e-4;
        private double gamma = 0.99;
        private double tau = 0.005;
        private double initialAlpha = 1.0;
        private long seed = 1;
        private AdversarialCriticPenalty penalty;

        private Builder() {}

        /**
         * Adds the adversarial state-perturbation penalty to the critic loss (default none).
         *
         * @param penalty the penalty, or null for none
         * @return this builder
         */
        public Builder optCriticPenalty(AdversarialCriticPenalty penalty) {
            this.penalty = penalty;
            return this;
        }

        /**
         * Sets the observation and action sizes.
         *
         * @param observationSize the observation length
         * @param actionSize the action length
         * @return this builder
         */
        public Builder setSizes(int observationSize, int actionSize) {
            this.observationSize = observationSize;
            this.actionSize = actionSize;
            return this;
        }

        /**
         * Sets the hidden widths of the actor and of the default critics (default 256, 256).
         *
         * @param hidden the widths
         * @return this builder
         */
        public Builder optHidden(int... hidden) {
            this.hidden = hidden.clone();
            return this;
        }

        /**
         * Sets how a critic network is made (default: an MLP with the hidden widths and one
         * output), e.g. with spectrally normalized layers.
         *
         * @param critic makes a fresh, uninitialized network with one output
         * @return this builder
         */
        public Builder optCritic(java.util.function.Supplier<Block> critic) {
            this.critic = critic;
            return this;
        }

        /**
         * Sets one learning rate for actor, critics and temperature (default 3e-4).
         *
         * @param learningRate the rate
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            this.actorLearningRate = learningRate;
            this.criticLearningRate = learningRate;
            this.alphaLearningRate = learningRate;
            return this;
        }

        /**
         * Sets the discount (default 0.99).
         *
         * @param gamma γ in [0, 1)
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /**
         * Sets the target averaging rate (default 0.005).
         *
         * @param tau τ in (0, 1]
         * @return this builder
         */
        public Builder optTau(double tau) {
            this.tau = tau;
            return this;
        }

        /**
         * Sets the initial temperature (default 1).
         *
         * @param alpha α &gt; 0
         * @return this builder
         */
        public Builder optInitialAlpha(double alpha) {
            this.initialAlpha = alpha;
            return this;
        }

        /**
         * Sets the seed of the initialization and of the engine's generator.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the agent.
         *
         * @return the agent; close it to free its arrays
         */
        public SacAgent build() {
            if (observationSize < 1 || actionSize < 1) {
                throw new IllegalArgumentException("observation and action sizes must be positive");
            }
            if (!(gamma >= 0 && gamma < 1) || !(tau > 0 && tau <= 1) || !(initialAlpha > 0)) {
                throw new IllegalArgumentException("need 0 <= gamma < 1, 0 < tau <= 1 and alpha > 0");
            }
            if (critic == null) {
                int[] widths = hidden.clone();
                critic = () -> Mlp.of(widths, 1);
            }
            return new SacAgent(this);
        }
    }
}
