package org.lipreg.experiments.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.smoothing.CohenSmoothing;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.normalization.engine.Scalars;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.training.runner.TrainingRunner;

import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Commons Math 3 has had no release since 2016: distributions, tests and statistics come from
 * Apache Commons Statistics. Only what Commons Statistics / Numbers have no replacement for stays
 * on Commons Math 3: linear algebra (eigen and singular value decompositions), the simplex LP
 * solver and its exceptions, and least-squares regression. The check reads the compiled classes
 * of every module (and of this module's tests), so it sees every call.
 */
class CommonsMathUsageTest {

    private static final List<String> STILL_ON_COMMONS_MATH = List.of("org/apache/commons/math3/linear/",
            "org/apache/commons/math3/optim/", "org/apache/commons/math3/exception/",
            "org/apache/commons/math3/stat/regression/");

    @Test
    void onlyLinearAlgebraLpAndRegressionStayOnCommonsMath() throws Exception {
        List<MethodCalls.Call> uses = MethodCalls.inCodeSourcesOf(
                        path -> path.contains("$Offender"),
                        List.of(Scalars.class, TrainingRunner.class, CohenSmoothing.class, SacAgent.class,
                                RunExecutor.class, CommonsMathUsageTest.class))
                .stream().filter(CommonsMathUsageTest::replaceable).toList();
        assertTrue(uses.isEmpty(), "use Apache Commons Statistics / Numbers instead of:\n"
                + uses.stream().map(MethodCalls.Call::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void theCheckFindsSuchAUse() throws Exception {
        List<MethodCalls.Call> uses;
        try (InputStream in = CommonsMathUsageTest.class.getResourceAsStream("CommonsMathUsageTest$Offender.class")) {
            uses = MethodCalls.in(in).stream().filter(CommonsMathUsageTest::replaceable).toList();
        }
        // The constructor and the quantile; the regression is allowed.
        assertEquals(2, uses.size(), uses.toString());
        assertTrue(uses.stream().allMatch(u -> u.owner().equals("org/apache/commons/math3/distribution/NormalDistribution")),
                uses.toString());
    }

    private static boolean replaceable(MethodCalls.Call call) {
        return call.owner().startsWith("org/apache/commons/math3/")
                && STILL_ON_COMMONS_MATH.stream().noneMatch(call.owner()::startsWith);
    }

    /** A class that breaks the rule, to show the check catches it (the regression is allowed). */
    @SuppressWarnings("unused")
    private static final class Offender {
        static double offend() {
            new org.apache.commons.math3.stat.regression.SimpleRegression().addData(1, 2);
            return new org.apache.commons.math3.distribution.NormalDistribution().inverseCumulativeProbability(0.9);
        }
    }
}
