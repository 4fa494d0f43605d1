package org.lipreg.experiments.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.smoothing.CohenSmoothing;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.normalization.Scalars;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.training.runner.TrainingRunner;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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
        List<String> uses = new ArrayList<>();
        for (Class<?> anchor : List.of(Scalars.class, TrainingRunner.class, CohenSmoothing.class, SacAgent.class,
                RunExecutor.class, CommonsMathUsageTest.class)) {
            int classes = scan(codeSource(anchor), uses);
            assertTrue(classes > 10, "found only " + classes + " classes beside " + anchor.getName());
        }
        assertTrue(uses.isEmpty(), "use Apache Commons Statistics / Numbers instead of:\n" + String.join("\n", uses));
    }

    @Test
    void theCheckFindsSuchAUse() throws Exception {
        List<String> uses = new ArrayList<>();
        try (InputStream in = CommonsMathUsageTest.class.getResourceAsStream("CommonsMathUsageTest$Offender.class")) {
            check(in, uses);
        }
        // The constructor and the quantile; the regression is allowed.
        assertEquals(2, uses.size(), uses.toString());
        assertTrue(uses.stream().allMatch(u -> u.contains("math3.distribution.NormalDistribution")), uses.toString());
    }

    /** A class that breaks the rule, to show the check catches it (the regression is allowed). */
    @SuppressWarnings("unused")
    private static final class Offender {
        static double offend() {
            new org.apache.commons.math3.stat.regression.SimpleRegression().addData(1, 2);
            return new org.apache.commons.math3.distribution.NormalDistribution().inverseCumulativeProbability(0.9);
        }
    }

    private static Path codeSource(Class<?> anchor) throws URISyntaxException {
        return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Checks every class in a directory or jar (the offender above excepted); returns how many. */
    private static int scan(Path source, List<String> uses) throws IOException {
        int count = 0;
        if (Files.isDirectory(source)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$Offender")).toList();
            }
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    check(in, uses);
                }
                count++;
            }
            return count;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        check(in, uses);
                    }
                    count++;
                }
            }
        }
        return count;
    }

    private static void check(InputStream classFile, List<String> uses) throws IOException {
        ClassReader reader = new ClassReader(classFile);
        String className = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String sig, String[] exc) {
                return new MethodVisitor(Opcodes.ASM9) {
                    private int line;

                    @Override
                    public void visitLineNumber(int number, Label start) {
                        line = number;
                    }

                    @Override
                    public void visitMethodInsn(int op, String owner, String name, String d, boolean itf) {
                        if (owner.startsWith("org/apache/commons/math3/")
                                && STILL_ON_COMMONS_MATH.stream().noneMatch(owner::startsWith)) {
                            uses.add(className.replace('/', '.') + "." + method + " line " + line + ": "
                                    + owner.replace('/', '.') + "." + name);
                        }
                    }
                };
            }
        }, 0);
    }
}
