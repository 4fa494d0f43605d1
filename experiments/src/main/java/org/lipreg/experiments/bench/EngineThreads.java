package org.lipreg.experiments.bench;

import ai.djl.engine.Engine;

import java.lang.reflect.Method;

/**
 * The engine's thread settings in effect, for bench table titles. Step times of small models
 * depend on them (on a loaded 2-core machine a WS+BCN batch-2 step took ~450 ms with two
 * spin-waiting OpenMP threads, ~35 ms with one), so a figure without them cannot be compared.
 * What counts is what the engine runs with, which {@code OMP_NUM_THREADS}, {@code
 * -Dai.djl.pytorch.num_threads} or neither (then PyTorch picks the core count) decides, and
 * {@code OMP_WAIT_POLICY}, which says whether idle OpenMP threads spin or sleep.
 */
final class EngineThreads {

    /** DJL's property for the engine's intra-op threads, applied when the engine starts. */
    static final String NUM_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private EngineThreads() {}

    /**
     * Describes thread settings.
     *
     * @param intraOp the engine's intra-op threads, or -1 if unknown
     * @param interOp the engine's inter-op threads, or -1 if unknown
     * @param numThreadsProperty {@value #NUM_THREADS_PROPERTY}, or null if unset
     * @param ompNumThreads {@code OMP_NUM_THREADS}, or null if unset
     * @param ompWaitPolicy {@code OMP_WAIT_POLICY}, or null if unset
     * @return e.g. {@code "engine threads: intra-op 1, inter-op 2; OMP_NUM_THREADS=1, OMP_WAIT_POLICY unset"}
     */
    static String describe(int intraOp, int interOp, String numThreadsProperty, String ompNumThreads,
            String ompWaitPolicy) {
        StringBuilder sb = new StringBuilder("engine threads: intra-op ").append(count(intraOp))
                .append(", inter-op ").append(count(interOp)).append("; ");
        if (numThreadsProperty != null) {
            sb.append("-D").append(NUM_THREADS_PROPERTY).append('=').append(numThreadsProperty).append(", ");
        }
        return sb.append(setting("OMP_NUM_THREADS", ompNumThreads)).append(", ")
                .append(setting("OMP_WAIT_POLICY", ompWaitPolicy)).toString();
    }

    /**
     * Describes the settings of this process: starts the engine (which applies {@value
     * #NUM_THREADS_PROPERTY}) and asks it for its thread counts.
     *
     * @return see {@link #describe}
     */
    static String inEffect() {
        Engine.getInstance();
        return describe(engineCount("getNumThreads"), engineCount("getNumInteropThreads"),
                System.getProperty(NUM_THREADS_PROPERTY), System.getenv("OMP_NUM_THREADS"),
                System.getenv("OMP_WAIT_POLICY"));
    }

    /**
     * Asks DJL's PyTorch bindings for a thread count. Through reflection because the engine is
     * only a runtime dependency (lipreg's code is written against DJL's API alone).
     */
    private static int engineCount(String method) {
        try {
            Method m = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod(method);
            return (Integer) m.invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    private static String count(int threads) {
        return threads < 0 ? "unknown" : String.valueOf(threads);
    }

    private static String setting(String name, String value) {
        return value == null ? name + " unset" : name + "=" + value;
    }
}
