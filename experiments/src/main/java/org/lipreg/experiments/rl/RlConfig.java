package org.lipreg.experiments.rl;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/**
 * A reinforcement-learning run, as read from JSON or YAML; every field has a default. Defaults
 * are SAC's (Haarnoja et al.) with the design's Pendulum settings.
 */
@JsonPropertyOrder({"name", "seed", "env", "agent", "steps", "learningStarts", "batchSize", "updatesPerStep",
    "learningRate", "gamma", "tau", "hidden", "evalInterval", "evalEpisodes", "critic", "model", "rollout"})
public final class RlConfig {

    /** The allowed values of {@link #agent}. */
    public static final List<String> AGENTS = List.of("sac", "mbpo");

    /** The allowed values of {@link Critic#regularizer}. */
    public static final List<String> CRITIC_REGULARIZERS = List.of("none", "spectral-norm", "adversarial",
            "spectral-norm+adversarial");

    /** The allowed values of {@link Model#type}. */
    public static final List<String> MODEL_TYPES = List.of("ensemble", "single");

    /** A short name for the run; used in default output directory names. */
    public String name = "rl";

    /** Seed of initialization, environment resets, exploration and replay sampling. */
    public long seed = 1;

    /** The Gymnasium id of the environment, e.g. {@code Pendulum-v1}. */
    public String env = "Pendulum-v1";

    /** The algorithm: {@code sac}, or {@code mbpo} (SAC on real and model data, see {@link #model}). */
    public String agent = "sac";

    /** Environment steps. */
    public int steps = 20_000;

    /** Steps of uniform random actions before learning starts. */
    public int learningStarts = 1000;

    /** Transitions per gradient update. */
    public int batchSize = 256;

    /** Gradient updates per environment step. */
    public int updatesPerStep = 1;

    /** Adam learning rate of actor, critics and temperature (1e-3 suits Pendulum; SAC's default is 3e-4). */
    public double learningRate = 1e-3;

    /** Discount. */
    public double gamma = 0.99;

    /** Target-network averaging rate. */
    public double tau = 0.005;

    /** Hidden widths of actor and critics. */
    public List<Integer> hidden = new ArrayList<>(List.of(256, 256));

    /** Environment steps between evaluations. */
    public int evalInterval = 1000;

    /** Deterministic-policy episodes per evaluation. */
    public int evalEpisodes = 5;

    /** How the critic is regularized. */
    public Critic critic = new Critic();

    /** For {@code mbpo}: the dynamics model. */
    public Model model = new Model();

    /** For {@code mbpo}: the branched rollouts and the data mix. */
    public Rollout rollout = new Rollout();

    /** The critic's Lipschitz regularization. */
    public static final class Critic {

        /**
         * {@code none}, {@code spectral-norm} (every critic layer spectrally normalized to σ =
         * {@link #spectralNormTarget}), {@code adversarial} (the robust loss under adversarial
         * state perturbations) or {@code spectral-norm+adversarial} (both, as Zheng et al. use).
         */
        public String regularizer = "none";

        /** For {@code spectral-norm}: σ of every critic layer (the critic is then σ^layers-Lipschitz). */
        public double spectralNormTarget = 1.0;

        /** For {@code adversarial}: the ℓ∞ radius of the state perturbation. */
        public double epsilon = 0.05;

        /** For {@code adversarial}: the penalty weight. */
        public double lambda = 1.0;

        /** For {@code adversarial}: ascent steps. */
        public int steps = 3;
    }

    /** The learned dynamics model of {@code mbpo}. */
    public static final class Model {

        /** {@code ensemble} (probabilistic Gaussian networks with elites) or {@code single} (one deterministic network). */
        public String type = "ensemble";

        /** Ensemble size. */
        public int members = 7;

        /** Members that predict. */
        public int elites = 5;

        /** Hidden widths of each network. */
        public List<Integer> hidden = new ArrayList<>(List.of(200, 200, 200));

        /** Gradient steps per member per fit. */
        public int trainSteps = 200;

        /** Environment steps between fits. */
        public int interval = 250;
    }

    /** MBPO's rollouts. */
    public static final class Rollout {

        /** Rollouts started per environment step. */
        public int perStep = 50;

        /** Model steps per rollout. */
        public int length = 1;

        /** Fraction of each SAC batch that is real data. */
        public double realRatio = 0.05;

        /** Model fits' worth of rollouts kept in the model buffer. */
        public int retain = 5;
    }
}
