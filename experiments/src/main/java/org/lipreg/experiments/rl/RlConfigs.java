package org.lipreg.experiments.rl;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.rl.env.ContinuousActionSpace;
import org.lipreg.rl.env.Environments;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and validates {@link RlConfig}s. */
public final class RlConfigs {

    private RlConfigs() {}

    /**
     * Reads a config file (JSON or YAML, or none for all defaults), applies {@code key=value}
     * overrides and validates the result.
     *
     * @param file the file, or null
     * @param overrides e.g. {@code steps=5000}
     * @return the config
     * @throws ConfigException naming the file, key and problem
     */
    public static RlConfig load(Path file, List<String> overrides) throws ConfigException {
        ObjectNode root = file == null ? ConfigLoader.json().createObjectNode() : ConfigLoader.readTree(file);
        for (String o : overrides) {
            ConfigLoader.applyOverride(root, o);
        }
        RlConfig config = ConfigLoader.bind(root, RlConfig.class);
        validate(config);
        return config;
    }

    /**
     * Checks every value.
     *
     * @param c the config
     * @throws ConfigException listing every problem with its key
     */
    public static void validate(RlConfig c) throws ConfigException {
        List<String> p = new ArrayList<>();
        if (c.name == null || !c.name.matches("[A-Za-z0-9._-]+")) {
            p.add("name: must be letters, digits, '.', '_' or '-' (got " + c.name + ")");
        }
        if (!Environments.ids().contains(c.env)) {
            p.add("env: must be one of " + Environments.ids() + " (got " + c.env + ")");
        } else if (!(Environments.create(c.env).actionSpace() instanceof ContinuousActionSpace)) {
            p.add("env: " + c.env + " has discrete actions; agent " + c.agent + " needs continuous ones");
        }
        if (!RlConfig.AGENTS.contains(c.agent)) {
            p.add("agent: must be one of " + RlConfig.AGENTS + " (got " + c.agent + ")");
        }
        positive(p, "steps", c.steps);
        positive(p, "batchSize", c.batchSize);
        positive(p, "evalInterval", c.evalInterval);
        positive(p, "evalEpisodes", c.evalEpisodes);
        if (c.learningStarts < 0 || c.learningStarts >= c.steps) {
            p.add("learningStarts: must be in [0, steps) (got " + c.learningStarts + ")");
        }
        if (c.updatesPerStep < 0) {
            p.add("updatesPerStep: must be >= 0 (got " + c.updatesPerStep + ")");
        }
        if (!(c.learningRate > 0) || Double.isInfinite(c.learningRate)) {
            p.add("learningRate: must be positive (got " + c.learningRate + ")");
        }
        if (!(c.gamma >= 0 && c.gamma < 1)) {
            p.add("gamma: must be in [0, 1) (got " + c.gamma + ")");
        }
        if (!(c.tau > 0 && c.tau <= 1)) {
            p.add("tau: must be in (0, 1] (got " + c.tau + ")");
        }
        if (c.hidden == null || c.hidden.isEmpty() || c.hidden.stream().anyMatch(h -> h == null || h < 1)) {
            p.add("hidden: must be a non-empty list of positive widths (got " + c.hidden + ")");
        }
        if (c.critic == null || !RlConfig.CRITIC_REGULARIZERS.contains(c.critic.regularizer)) {
            p.add("critic.regularizer: must be one of " + RlConfig.CRITIC_REGULARIZERS + " (got "
                    + (c.critic == null ? null : c.critic.regularizer) + ")");
        }
        if (c.critic != null && (!(c.critic.spectralNormTarget > 0) || Double.isInfinite(c.critic.spectralNormTarget))) {
            p.add("critic.spectralNormTarget: must be positive (got " + c.critic.spectralNormTarget + ")");
        }
        if (c.critic != null && c.critic.regularizer != null && c.critic.regularizer.endsWith("adversarial")) {
            if (!(c.critic.epsilon > 0) || Double.isInfinite(c.critic.epsilon)) {
                p.add("critic.epsilon: must be positive (got " + c.critic.epsilon + ")");
            }
            if (!(c.critic.lambda >= 0) || Double.isInfinite(c.critic.lambda)) {
                p.add("critic.lambda: must be >= 0 (got " + c.critic.lambda + ")");
            }
            positive(p, "critic.steps", c.critic.steps);
        }
        if ("mbpo".equals(c.agent)) {
            if (c.model == null || !RlConfig.MODEL_TYPES.contains(c.model.type)) {
                p.add("model.type: must be one of " + RlConfig.MODEL_TYPES + " (got "
                        + (c.model == null ? null : c.model.type) + ")");
            } else {
                positive(p, "model.members", c.model.members);
                if (c.model.elites < 1 || c.model.elites > c.model.members) {
                    p.add("model.elites: must be in [1, model.members] (got " + c.model.elites + ")");
                }
                if (c.model.hidden == null || c.model.hidden.isEmpty()
                        || c.model.hidden.stream().anyMatch(h -> h == null || h < 1)) {
                    p.add("model.hidden: must be a non-empty list of positive widths (got " + c.model.hidden + ")");
                }
                positive(p, "model.trainSteps", c.model.trainSteps);
                positive(p, "model.interval", c.model.interval);
            }
            if (c.rollout == null) {
                p.add("rollout: must be a mapping");
            } else {
                positive(p, "rollout.perStep", c.rollout.perStep);
                positive(p, "rollout.length", c.rollout.length);
                positive(p, "rollout.retain", c.rollout.retain);
                if (!(c.rollout.realRatio >= 0 && c.rollout.realRatio <= 1)) {
                    p.add("rollout.realRatio: must be in [0, 1] (got " + c.rollout.realRatio + ")");
                }
            }
            if (Environments.ids().contains(c.env) && !List.of("Pendulum-v1", "MountainCarContinuous-v0").contains(c.env)) {
                p.add("env: mbpo has model termination rules for Pendulum-v1 and MountainCarContinuous-v0 only");
            }
        }
        if (!p.isEmpty()) {
            throw new ConfigException(p);
        }
    }

    private static void positive(List<String> p, String key, int value) {
        if (value < 1) {
            p.add(key + ": must be at least 1 (got " + value + ")");
        }
    }
}
