package org.lipreg.rl.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;

import org.lipreg.rl.sac.FlatParameters;
import org.lipreg.rl.sac.Mlp;
import org.lipreg.rl.sac.ParameterArrays;
import org.lipreg.training.optimizer.AdamOptimizer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A dynamics model from {@code (s, a)} to {@code (r, s' − s)}, both standardized by the
 * statistics of the data it was last trained on, in MBPO's two
 * variants: an <em>ensemble</em> of probabilistic Gaussian networks ({@link GaussianNll}), each
 * trained on its own random batches, of which the {@code elites} with the lowest held-out error
 * make the predictions (a random elite per row, a sample from its Gaussian); or a <em>single</em>
 * deterministic network trained on the squared error, predicting its mean.
 */
public final class LearnedDynamics implements DynamicsModel {

    /** The optimizer's key of the bounds and its checkpoint name (members: {@link #memberKey}). */
    private static final String BOUNDS = "logvar-bounds";

    private final NDManager manager = NDManager.newBaseManager();
    private final int observationSize;
    private final int actionSize;
    private final boolean probabilistic;
    private final int elites;
    private final int trainSteps;
    private final int batchSize;
    private final double holdout;
    private final List<Block> members = new ArrayList<>();
    // Each member's learned parameters as one flat array: one Adam step per member and training
    // step. (One array for the whole ensemble was slower: at 7 × 82k floats its dozen Adam passes
    // no longer stay in the cache.)
    private final List<FlatParameters> parameters = new ArrayList<>();
    // The log-variance bounds, (members, 2, outputs): [m][0] the max, [m][1] the min; null for the
    // deterministic model.
    private final NDArray bounds;
    private final AdamOptimizer optimizer;
    private int[] eliteIndices;
    private Standardizer inputs;
    private Standardizer targets;

    private LearnedDynamics(Builder b) {
        this.observationSize = b.observationSize;
        this.actionSize = b.actionSize;
        this.probabilistic = b.probabilistic;
        this.elites = b.probabilistic ? b.elites : 1;
        this.trainSteps = b.trainSteps;
        this.batchSize = b.batchSize;
        this.holdout = b.holdout;
        Engine.getInstance().setRandomSeed((int) (b.seed & Integer.MAX_VALUE));
        int outputs = 1 + observationSize;
        for (int m = 0; m < b.members; m++) {
            Block net = Mlp.of(b.hidden, probabilistic ? 2 * outputs : outputs);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, observationSize + actionSize));
            members.add(net);
        }
        for (Block member : members) {
            parameters.add(new FlatParameters(member, true));
        }
        if (probabilistic) {
            NDArray max = manager.full(new Shape(b.members, 1, outputs), 0.5f);
            NDArray min = manager.full(new Shape(b.members, 1, outputs), -10f);
            this.bounds = max.concat(min, 1);
            bounds.setRequiresGradient(true);
            max.close();
            min.close();
        } else {
            this.bounds = null;
        }
        this.optimizer = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed((float) b.learningRate)).build();
        this.eliteIndices = new int[elites];
        for (int i = 0; i < elites; i++) {
            eliteIndices[i] = i;
        }
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the indices of the members that currently predict.
     *
     * @return the elites, best first
     */
    public int[] elites() {
        return eliteIndices.clone();
    }

    /** The optimizer's key of a member's flat array and its checkpoint name. */
    private static String memberKey(int member) {
        return "member-" + member;
    }

    private boolean isMemberKey(String name) {
        for (int k = 0; k < members.size(); k++) {
            if (memberKey(k).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the members, for tests.
     *
     * @return the networks, whose learned parameters are views of the ensemble's flat array
     */
    List<Block> members() {
        return List.copyOf(members);
    }

    /**
     * Returns the log-variance bounds, for tests.
     *
     * @return (members, 2, outputs): per member the max, then the min; null for the single network
     */
    NDArray bounds() {
        return bounds;
    }

    @Override
    public double train(TransitionData data, SplittableRandom random) {
        int n = data.size();
        int in = observationSize + actionSize;
        int out = 1 + observationSize;
        inputs = Standardizer.fit(data.inputs(), in);
        float[] x = inputs.apply(data.inputs());
        // Targets are standardized too: the reward and the state changes differ in scale by
        // orders of magnitude, and unit-scale targets make every output learn at the same pace.
        targets = Standardizer.fit(data.targets(), out);
        float[] y = targets.apply(data.targets());
        int[] order = shuffled(n, random);
        int held = n >= 10 ? Math.max(1, (int) (holdout * n)) : 0;
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] training = held == 0 ? order : Arrays.copyOfRange(order, held, n);
        for (int step = 0; step < trainSteps; step++) {
            float[][] xs = new float[members.size()][];
            float[][] ys = new float[members.size()][];
            int rowCount = Math.min(batchSize, training.length);
            for (int m = 0; m < members.size(); m++) {
                int[] rows = new int[rowCount];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = training[random.nextInt(training.length)];
                }
                xs[m] = gather(x, rows, in);
                ys[m] = gather(y, rows, out);
            }
            trainStep(xs, ys, rowCount);
        }
        int[] evaluation = held == 0 ? training : validation;
        double[] errors = new double[members.size()];
        for (int m = 0; m < members.size(); m++) {
            float[] mean = mean(m, gather(x, evaluation, in), evaluation.length);
            float[] target = gather(y, evaluation, out);
            for (int i = 0; i < mean.length; i++) {
                errors[m] += (mean[i] - target[i]) * (double) (mean[i] - target[i]) / mean.length;
            }
        }
        Integer[] byError = new Integer[members.size()];
        for (int m = 0; m < byError.length; m++) {
            byError[m] = m;
        }
        Arrays.sort(byError, (a, b) -> Double.compare(errors[a], errors[b]));
        double sum = 0;
        for (int i = 0; i < elites; i++) {
            eliteIndices[i] = byError[i];
            sum += errors[byError[i]];
        }
        return sum / elites;
    }

    @Override
    public Prediction predict(float[] states, float[] actions, SplittableRandom random) {
        if (inputs == null) {
            throw new IllegalStateException("the dynamics model has not been trained");
        }
        int rows = states.length / observationSize;
        int in = observationSize + actionSize;
        int out = 1 + observationSize;
        float[] x = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(states, r * observationSize, x, r * in, observationSize);
            System.arraycopy(actions, r * actionSize, x, r * in + observationSize, actionSize);
        }
        inputs.apply(x);
        float[][] means = new float[elites][];
        float[][] logVariances = new float[elites][];
        for (int e = 0; e < elites; e++) {
            float[][] head = heads(eliteIndices[e], x, rows);
            means[e] = head[0];
            logVariances[e] = head[1];
        }
        float[] rewards = new float[rows];
        float[] next = new float[rows * observationSize];
        for (int r = 0; r < rows; r++) {
            int e = random.nextInt(elites);
            for (int d = 0; d < out; d++) {
                double z = means[e][r * out + d];
                if (probabilistic) {
                    z += Math.exp(0.5 * logVariances[e][r * out + d]) * gaussian(random);
                }
                double value = targets.invert(z, d);
                if (d == 0) {
                    rewards[r] = (float) value;
                } else {
                    next[r * observationSize + d - 1] = states[r * observationSize + d - 1] + (float) value;
                }
            }
        }
        return new Prediction(rewards, next);
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeBoolean(probabilistic);
        out.writeInt(members.size());
        for (Block member : members) {
            ParameterArrays.write(out, member);
        }
        if (probabilistic) {
            ParameterArrays.writeArray(out, bounds);
        }
        optimizer.saveState(out, id -> id);
        for (int e : eliteIndices) {
            out.writeInt(e);
        }
        // Before the first fit there are no statistics yet.
        out.writeBoolean(inputs != null);
        if (inputs != null) {
            inputs.write(out);
            targets.write(out);
        }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
        boolean savedProbabilistic = in.readBoolean();
        int savedMembers = in.readInt();
        if (savedProbabilistic != probabilistic || savedMembers != members.size()) {
            throw new IOException("the checkpoint's dynamics model is " + describe(savedProbabilistic, savedMembers)
                    + ", this one " + describe(probabilistic, members.size()));
        }
        for (int m = 0; m < members.size(); m++) {
            ParameterArrays.read(in, members.get(m), "dynamics member " + m);
        }
        if (probabilistic) {
            ParameterArrays.readArray(in, bounds, BOUNDS);
        }
        optimizer.loadState(in, name -> BOUNDS.equals(name) || isMemberKey(name) ? name : null, manager);
        for (int i = 0; i < eliteIndices.length; i++) {
            int e = in.readInt();
            if (e < 0 || e >= members.size()) {
                throw new IOException("elite " + e + " of a model with " + members.size() + " members");
            }
            eliteIndices[i] = e;
        }
        if (in.readBoolean()) {
            inputs = Standardizer.read(in, observationSize + actionSize);
            targets = Standardizer.read(in, 1 + observationSize);
        } else {
            inputs = null;
            targets = null;
        }
    }

    private static String describe(boolean probabilistic, int members) {
        return probabilistic ? "an ensemble of " + members : "a single network";
    }


    /**
     * One gradient step of every member, each on its own batch: the members' losses are summed,
     * so one backward pass gives each member the gradient of its own loss (they share no weights),
     * then one Adam step updates each member's flat array, one the bounds.
     *
     * @param xs per member, its batch's standardized inputs (rows × (obs + act))
     * @param ys per member, its batch's standardized targets (rows × (1 + obs))
     * @param rows the batch size
     */
    void trainStep(float[][] xs, float[][] ys, int rows) {
        int out = 1 + observationSize;
        try (NDManager m = manager.newSubManager()) {
            ParameterStore store = new FlatParameters.Store(m, parameters.toArray(new FlatParameters[0]));
            // The scope closes every array the loss makes, including those of the bounds' long-lived
            // manager; the updates below stay outside it.
            try (NDScope scope = new NDScope();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = null;
                for (int k = 0; k < members.size(); k++) {
                    NDArray input = m.create(xs[k], new Shape(rows, observationSize + actionSize));
                    NDArray target = m.create(ys[k], new Shape(rows, out));
                    NDArray raw = members.get(k).forward(store, new NDList(input), true).singletonOrThrow();
                    NDArray loss;
                    if (probabilistic) {
                        NDArray max = bounds.get(k, 0);
                        NDArray min = bounds.get(k, 1);
                        NDArray mean = raw.get(":, :" + out);
                        NDArray logVariance = GaussianNll.boundedLogVariance(raw.get(":, " + out + ":"), max, min);
                        loss = GaussianNll.loss(mean, logVariance, target, max, min);
                    } else {
                        loss = raw.sub(target).square().mean();
                    }
                    total = total == null ? loss : total.add(loss);
                }
                collector.backward(total);
            }
            for (int k = 0; k < parameters.size(); k++) {
                NDArray values = parameters.get(k).values();
                try (NDArray grad = values.getGradient()) {
                    optimizer.update(memberKey(k), values, grad);
                }
            }
            if (probabilistic) {
                try (NDArray grad = bounds.getGradient()) {
                    optimizer.update(BOUNDS, bounds, grad);
                }
            }
        }
    }

    /** {means, log-variances (null for the deterministic model)}, row-major (rows × (1 + obs)). */
    private float[][] heads(int member, float[] x, int rows) {
        int out = 1 + observationSize;
        try (NDManager m = manager.newSubManager()) {
            NDArray input = m.create(x, new Shape(rows, observationSize + actionSize));
            NDArray raw = members.get(member).forward(new ParameterStore(m, false), new NDList(input), false)
                    .singletonOrThrow();
            if (!probabilistic) {
                return new float[][] {raw.toFloatArray(), null};
            }
            NDArray b = bounds.stopGradient();
            b.attach(m);
            NDArray logVariance = GaussianNll.boundedLogVariance(raw.get(":, " + out + ":"), b.get(member, 0),
                    b.get(member, 1));
            return new float[][] {raw.get(":, :" + out).toFloatArray(), logVariance.toFloatArray()};
        }
    }

    private float[] mean(int member, float[] x, int rows) {
        return heads(member, x, rows)[0];
    }

    private static float[] gather(float[] values, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    // Box–Muller on the given stream, so predictions reproduce from its seed.
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds a {@link LearnedDynamics}; defaults are MBPO's ensemble, scaled to a CPU. */
    public static final class Builder {

        private int observationSize;
        private int actionSize;
        private boolean probabilistic = true;
        private int members = 7;
        private int elites = 5;
        private int[] hidden = {200, 200, 200};
        private double learningRate = 1e-3;
        private int trainSteps = 200;
        private int batchSize = 256;
        private double holdout = 0.1;
        private long seed = 1;

        private Builder() {}

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
         * Makes the probabilistic ensemble (default): {@code members} Gaussian networks, the
         * best {@code elites} of which predict.
         *
         * @param members ensemble size
         * @param elites how many predict, at most {@code members}
         * @return this builder
         */
        public Builder ensemble(int members, int elites) {
            this.probabilistic = true;
            this.members = members;
            this.elites = elites;
            return this;
        }

        /**
         * Makes one deterministic network instead.
         *
         * @return this builder
         */
        public Builder single() {
            this.probabilistic = false;
            this.members = 1;
            this.elites = 1;
            return this;
        }

        /**
         * Sets the hidden widths (default 200, 200, 200).
         *
         * @param hidden the widths
         * @return this builder
         */
        public Builder optHidden(int... hidden) {
            this.hidden = hidden.clone();
            return this;
        }

        /**
         * Sets the gradient steps per member and per {@link #train} call (default 200) and
         * their batch size (default 256).
         *
         * @param steps steps
         * @param batchSize rows per step
         * @return this builder
         */
        public Builder optTraining(int steps, int batchSize) {
            this.trainSteps = steps;
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the Adam learning rate (default 1e-3).
         *
         * @param learningRate the rate
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the seed of the initialization.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return the model; close it to free its arrays
         */
        public LearnedDynamics build() {
            if (observationSize < 1 || actionSize < 1) {
                throw new IllegalArgumentException("observation and action sizes must be positive");
            }
            if (members < 1 || elites < 1 || elites > members) {
                throw new IllegalArgumentException("need 1 <= elites <= members, got " + elites + " of " + members);
            }
            if (trainSteps < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("training steps, batch size and learning rate must be positive");
            }
            return new LearnedDynamics(this);
        }
    }
}
