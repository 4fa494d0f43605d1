package org.lipreg.normalization.hook;

import ai.djl.nn.Block;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Finds the {@link StepHook}s inside a block tree. */
public final class StepHooks {

    private StepHooks() {}

    /**
     * Walks a block tree depth-first, in child order, and returns every block that is a {@link
     * StepHook}, each with its path (child names joined by '/', as DJL names them).
     *
     * <p>The order is stable for a given architecture, which is what lets a checkpoint write hook
     * states one after another and read them back in the same order.
     *
     * @param root the model's root block
     * @return the hooks with their paths; empty if there are none
     */
    public static List<Pair<String, StepHook>> collect(Block root) {
        List<Pair<String, StepHook>> found = new ArrayList<>();
        walk("", root, found);
        return Collections.unmodifiableList(found);
    }

    private static void walk(String path, Block block, List<Pair<String, StepHook>> found) {
        if (block instanceof StepHook hook) {
            found.add(new Pair<>(path.isEmpty() ? "/" : path, hook));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            walk(path + "/" + child.getKey(), child.getValue(), found);
        }
    }
}
