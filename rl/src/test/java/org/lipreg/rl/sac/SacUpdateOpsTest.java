package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What one SAC update asks of the engine, from libtorch's own profiler: two overheads the issue
 * measured (a fresh scalar tensor for every constant, 34 per update; gradients of the critics'
 * weights in the actor step, computed only to be cleared) must stay gone. (The profile's
 * {@code aten::item} events are clip's bounds inside the engine, not read-backs to Java.)
 */
class SacUpdateOpsTest {

    @TempDir Path dir;

    @Test
    void oneUpdateMakesNoScalarsAndComputesEachGradientOnce() throws Exception {
        try (SacAgent agent = SacAgent.builder().setSizes(3, 1).optHidden(8, 8).optSeed(5).build()) {
            int n = 16;
            ReplayBuffer.Batch batch = new ReplayBuffer.Batch(n, new float[n * 3], new float[n], new float[n],
                    new float[n * 3], new float[n]);
            agent.update(batch); // the first update also creates the optimizers' state
            Map<String, Integer> ops = profile(() -> agent.update(batch));

            assertEquals(0, ops.getOrDefault("aten::full", 0), "fresh scalar tensors per update: " + ops);
            // Each learned array gets one gradient per update: the critics from the critic loss,
            // the actor and log α from the actor step, which must not reach the critics' weights.
            // Each network's parameters are one flat array, so that is one gradient per network.
            int learned = 1 + agent.learnedParameters().length;
            assertEquals(learned, ops.getOrDefault("torch::autograd::AccumulateGrad", 0), "gradients accumulated: " + ops);
            // One Adam step (its one square root) per flat array and log α, not one per parameter
            // array (19 here).
            assertEquals(learned, ops.getOrDefault("aten::sqrt", 0), "Adam steps: " + ops);
            assertEquals(19, 1 + learned(agent.policy().network()) + learned(agent.critics()[0])
                    + learned(agent.critics()[1]), "the networks' parameter arrays");
        }
    }

    private static int learned(Block block) {
        int count = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            count += p.getValue().requiresGradient() ? 1 : 0;
        }
        return count;
    }

    /** Runs the action under libtorch's profiler and counts its events (ops at every level) by name. */
    private Map<String, Integer> profile(Runnable action) throws ReflectiveOperationException, IOException {
        Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils"); // the engine is a runtime dependency
        Method start = jni.getMethod("startProfile", boolean.class, boolean.class, boolean.class);
        Method stop = jni.getMethod("stopProfile", String.class);
        Path trace = dir.resolve("trace.json");
        start.invoke(null, false, false, false);
        try {
            action.run();
        } finally {
            stop.invoke(null, trace.toString());
        }
        Map<String, Integer> counts = new HashMap<>();
        JsonElement root = JsonParser.parseString(Files.readString(trace));
        // DJL writes the Chrome trace format as a bare array of events (nested ops included).
        for (JsonElement e : root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents")) {
            JsonObject event = e.getAsJsonObject();
            if (event.has("name") && event.has("ph") && "X".equals(event.get("ph").getAsString())) {
                counts.merge(event.get("name").getAsString(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
