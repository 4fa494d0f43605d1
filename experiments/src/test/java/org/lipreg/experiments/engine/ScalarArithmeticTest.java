package org.lipreg.experiments.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.smoothing.CohenSmoothing;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.normalization.engine.Scalars;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.training.runner.TrainingRunner;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * No main class of any module calls DJL's {@code NDArray} arithmetic with a Java number where
 * autograd keeps the number for backward ({@code mul}, {@code div}, {@code pow}, {@code maximum},
 * …): on the PyTorch engine that number lives in a Java buffer that is freed while the graph still
 * points at it (see {@link Scalars}). The check reads the compiled classes, so it sees every call
 * whatever the argument's spelling.
 */
class ScalarArithmeticTest {

    private static final Set<String> SAVED_BY_AUTOGRAD = Set.of("mul", "muli", "div", "divi", "rdiv", "rdivi",
            "pow", "powi", "rpow", "rpowi", "maximum", "minimum");

    @Test
    void noModuleUsesDjlNumberArithmeticThatAutogradSaves() throws Exception {
        List<MethodCalls.Call> calls = MethodCalls.inCodeSourcesOf(
                        path -> path.equals("org/lipreg/normalization/engine/Scalars.class"),
                        List.of(Scalars.class, TrainingRunner.class, CohenSmoothing.class, SacAgent.class,
                                RunExecutor.class))
                .stream().filter(ScalarArithmeticTest::savedByAutograd).toList();
        assertTrue(calls.isEmpty(), "use org.lipreg.normalization.engine.Scalars instead of:\n"
                + calls.stream().map(MethodCalls.Call::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void theCheckFindsSuchACall() throws Exception {
        List<MethodCalls.Call> calls;
        try (InputStream in = ScalarArithmeticTest.class.getResourceAsStream("ScalarArithmeticTest$Offender.class")) {
            calls = MethodCalls.in(in).stream().filter(ScalarArithmeticTest::savedByAutograd).toList();
        }
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).name().equals("mul") && calls.get(1).name().equals("maximum"), calls.toString());
    }

    private static boolean savedByAutograd(MethodCalls.Call call) {
        return call.owner().startsWith("ai/djl/") && SAVED_BY_AUTOGRAD.contains(call.name())
                && call.descriptor().contains("Ljava/lang/Number;");
    }

    /** A class that breaks the rule, to show the check catches it; add does not count. */
    @SuppressWarnings("unused")
    private static final class Offender {
        static NDArray offend(NDArray x) {
            return x.mul(2f).add(1).maximum(0.5);
        }
    }
}
