package org.lipreg.experiments.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times several models' training steps side by side: a warm-up for each, then rounds in which
 * every model runs the same number of steps in turn, so that drift in the machine's speed hits
 * all of them alike. The figure per model is the median over rounds of the mean step time.
 */
final class InterleavedTiming {

    /**
     * The outcome.
     *
     * @param medians per name, the median milliseconds per step
     * @param arraysAfterWarmup per name, the live NDArrays after warm-up (compare with the count
     *     after the rounds: equal means no step leaks)
     */
    record Timing(Map<String, Double> medians, Map<String, Integer> arraysAfterWarmup) {}

    private InterleavedTiming() {}

    /**
     * Runs the rounds.
     *
     * @param timers the models, by name, in report order
     * @param rounds timing rounds
     * @param steps steps per model per round
     * @param out where progress goes
     * @param label a prefix for progress lines
     * @return the medians and array counts
     */
    static Timing run(Map<String, StepTimer> timers, int rounds, int steps, PrintStream out, String label) {
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, Integer> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, StepTimer> e : timers.entrySet()) {
            e.getValue().time(Math.max(5, steps / 4)); // warm-up
            arrays.put(e.getKey(), e.getValue().liveArrays());
            times.put(e.getKey(), new double[rounds]);
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, StepTimer> e : timers.entrySet()) {
                times.get(e.getKey())[r] = e.getValue().time(steps);
            }
            out.printf("%s: round %d/%d done%n", label, r + 1, rounds);
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        times.forEach((name, values) -> medians.put(name, median(values)));
        return new Timing(medians, arrays);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
