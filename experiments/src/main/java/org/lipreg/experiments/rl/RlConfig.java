package org.lipreg.experiments.rl;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/**
 * A reinforcement-learning run, as read from JSON or YAML; every field has a default. Defaults
 * are SAC's (Haarnoja et al.) with the design's Pendulum settings.
 */
@JsonPropertyOrder({"name", "seed", "env", "agent", "steps", "learningStarts", "batchSize", "updatesPerStep",
    "learningRate", "gamma", "tau", "hidden", "evalInterval", "evalEpisodes", "critic"})
public final class RlConfig {

    /** The allowed values of {@link #agent}. */
    public static final List<String> AGENTS = List.of("sac");

    /** The allowed values of {@link Critic#regularizer}. */
    public static final List<String> CRITIC_REGULARIZERS = List.of("none", "spectral-norm");

    /** A short name for the run; used in default output directory names. */
    public String name = "rl";

    /** Seed of initialization, environment resets, exploration and replay sampling. */
    public long seed = 1;

    /** The Gymnasium id of the environment, e.g. {@code Pendulum-v1}. */
    public String env = "Pendulum-v1";

    /** The algorithm: {@code sac}. */
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

    /** The critic's Lipschitz regularization. */
    public static final class Critic {

        /** {@code none} or {@code spectral-norm} (every critic layer spectrally normalized to σ = 1). */
        public String regularizer = "none";
    }
}
