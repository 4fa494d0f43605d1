package org.lipreg.normalization.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.junit.jupiter.api.Test;

import java.util.List;

class StepHooksTest {

    /** An identity block that is a hook. */
    static final class HookBlock extends AbstractBlock implements StepHook {
        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return inputs;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    @Test
    void findsNestedHooksWithTheirPathsInChildOrder() {
        HookBlock first = new HookBlock();
        HookBlock nested = new HookBlock();
        SequentialBlock inner = new SequentialBlock().add(Activation.reluBlock()).add(nested);
        SequentialBlock root = new SequentialBlock()
                .add(Linear.builder().setUnits(3).build())
                .add(first)
                .add(inner);
        var hooks = StepHooks.collect(root);
        assertEquals(2, hooks.size());
        assertSame(first, hooks.get(0).getValue());
        assertSame(nested, hooks.get(1).getValue());
        assertEquals(List.of("/02HookBlock", "/03SequentialBlock/02HookBlock"),
                hooks.stream().map(p -> p.getKey()).toList());
    }

    @Test
    void noHooksInAPlainModel() {
        SequentialBlock root = new SequentialBlock().add(Linear.builder().setUnits(3).build());
        assertEquals(0, StepHooks.collect(root).size());
    }
}
