package org.lipreg.experiments.bench;

import org.lipreg.rl.model.LearnedDynamics;
import org.lipreg.rl.model.TransitionData;
import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gradient updates per second of the RL code's two hot loops at Pendulum's sizes (observation 3,
 * action 1): one SAC update (critics, actor, temperature, Polyak targets; 256×256 MLPs by
 * default) and one training step of MBPO's dynamics model (the default ensemble: 7 members,
 * 200×200×200, every member one step). Inputs are fixed random batches, so only the update is
 * timed; sections alternate in rounds and the figure is the median over rounds.
 * {@code experiments/scripts/sac_update_torch.py} times the same SAC update (and, with
 * {@code --sections mbpo-model}, the same model step) in PyTorch eager.
 */
public final class RlBenchmark {

    /** Pendulum's observation length (cos θ, sin θ, θ̇) and action length (torque). */
    static final int OBSERVATIONS = 3;

    static final int ACTIONS = 1;

    /** The section names, as {@code --sections} takes them. */
    public static final List<String> SECTIONS = List.of("sac", "mbpo-model");

    /** Distinct batches cycled through, so the timing does not depend on one batch. */
    private static final int BATCHES = 8;

    /** Transitions the model trains on. */
    private static final int MODEL_ROWS = 2_000;

    private RlBenchmark() {}

    /** One timed update: runs {@code count} updates and returns nothing. */
    private interface Updates {
        void run(int count);
    }

    /**
     * Runs the benchmark.
     *
     * @param sections which of {@link #SECTIONS} to time
     * @param batch the batch size of both sections
     * @param hidden the SAC networks' hidden widths
     * @param rounds timing rounds
     * @param updates updates per section per round
     * @param out where progress goes
     * @return one row per section: updates per second and milliseconds per update (medians)
     */
    public static Table run(List<String> sections, int batch, int[] hidden, int rounds, int updates, PrintStream out) {
        Table table = Table.create("RL gradient updates per second (Pendulum sizes, batch " + batch + ", "
                + EngineThreads.inEffect() + ")")
                .addColumns(StringColumn.create("update"), StringColumn.create("networks"), IntColumn.create("batch"),
                        DoubleColumn.create("updates/s"), DoubleColumn.create("ms/update"), IntColumn.create("rounds"));
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Updates> timed = new LinkedHashMap<>();
        Map<String, String> networks = new LinkedHashMap<>();
        SacAgent agent = null;
        LearnedDynamics model = null;
        try {
            if (sections.contains("sac")) {
                agent = SacAgent.builder().setSizes(OBSERVATIONS, ACTIONS).optHidden(hidden).optSeed(1).build();
                ReplayBuffer.Batch[] batches = new ReplayBuffer.Batch[BATCHES];
                for (int i = 0; i < BATCHES; i++) {
                    batches[i] = pendulumBatch(batch, random);
                }
                SacAgent sac = agent;
                int[] next = {0};
                timed.put("sac", count -> {
                    for (int i = 0; i < count; i++) {
                        sac.update(batches[next[0]++ % BATCHES]);
                    }
                });
                networks.put("sac", "actor + 2 critics " + widths(hidden));
            }
            if (sections.contains("mbpo-model")) {
                model = LearnedDynamics.builder().setSizes(OBSERVATIONS, ACTIONS).optTraining(updates, batch).build();
                TransitionData data = pendulumTransitions(MODEL_ROWS, random);
                LearnedDynamics dynamics = model;
                // train() takes `updates` steps of every member, then scores them on held-out rows.
                timed.put("mbpo-model", count -> dynamics.train(data, random));
                networks.put("mbpo-model", "ensemble of 7, 200x200x200");
            }
            Map<String, double[]> seconds = new LinkedHashMap<>();
            for (Map.Entry<String, Updates> e : timed.entrySet()) {
                e.getValue().run(Math.max(5, updates / 4)); // warm-up
                seconds.put(e.getKey(), new double[rounds]);
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Updates> e : timed.entrySet()) {
                    long start = System.nanoTime();
                    e.getValue().run(updates);
                    seconds.get(e.getKey())[r] = (System.nanoTime() - start) / 1e9 / updates;
                }
                out.printf("rl: round %d/%d done%n", r + 1, rounds);
            }
            for (String name : timed.keySet()) {
                double perUpdate = InterleavedTiming.median(seconds.get(name));
                table.stringColumn("update").append(name);
                table.stringColumn("networks").append(networks.get(name));
                table.intColumn("batch").append(batch);
                table.doubleColumn("updates/s").append(1 / perUpdate);
                table.doubleColumn("ms/update").append(perUpdate * 1e3);
                table.intColumn("rounds").append(rounds);
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (model != null) {
                model.close();
            }
        }
        return table;
    }

    /** Random transitions in Pendulum's ranges (the timing does not depend on the values). */
    static ReplayBuffer.Batch pendulumBatch(int n, SplittableRandom random) {
        TransitionData t = pendulumTransitions(n, random);
        float[] actions = t.actions();
        return new ReplayBuffer.Batch(n, t.states(), actions, t.rewards(), t.nextStates(), new float[n]);
    }

    private static TransitionData pendulumTransitions(int n, SplittableRandom random) {
        float[] states = new float[n * OBSERVATIONS];
        float[] next = new float[n * OBSERVATIONS];
        float[] actions = new float[n * ACTIONS];
        float[] rewards = new float[n];
        for (int i = 0; i < n; i++) {
            double theta = random.nextDouble(-Math.PI, Math.PI);
            double speed = random.nextDouble(-8, 8);
            double action = random.nextDouble(-1, 1);
            double nextSpeed = Math.max(-8, Math.min(8, speed + 0.05 * (15 * Math.sin(theta) + 6 * action)));
            double nextTheta = theta + 0.05 * nextSpeed;
            states[3 * i] = (float) Math.cos(theta);
            states[3 * i + 1] = (float) Math.sin(theta);
            states[3 * i + 2] = (float) speed;
            next[3 * i] = (float) Math.cos(nextTheta);
            next[3 * i + 1] = (float) Math.sin(nextTheta);
            next[3 * i + 2] = (float) nextSpeed;
            actions[i] = (float) action;
            rewards[i] = (float) -(theta * theta + 0.1 * speed * speed + 0.001 * 4 * action * action);
        }
        return new TransitionData(OBSERVATIONS, ACTIONS, states, actions, rewards, next);
    }

    private static String widths(int[] hidden) {
        StringBuilder sb = new StringBuilder();
        for (int w : hidden) {
            sb.append(sb.length() == 0 ? "" : "x").append(w);
        }
        return sb.toString();
    }
}
