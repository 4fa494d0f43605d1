package org.lipreg.experiments.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

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
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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
        List<String> calls = new ArrayList<>();
        for (Class<?> anchor : List.of(Scalars.class, TrainingRunner.class, CohenSmoothing.class, SacAgent.class,
                RunExecutor.class)) {
            int classes = scan(codeSource(anchor), calls);
            assertTrue(classes > 10, "found only " + classes + " classes beside " + anchor.getName());
        }
        assertTrue(calls.isEmpty(), "use org.lipreg.normalization.Scalars instead of:\n" + String.join("\n", calls));
    }

    @Test
    void theCheckFindsSuchACall() throws Exception {
        List<String> calls = new ArrayList<>();
        try (InputStream in = ScalarArithmeticTest.class.getResourceAsStream("ScalarArithmeticTest$Offender.class")) {
            check(in, calls);
        }
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).contains("mul") && calls.get(1).contains("maximum"), calls.toString());
    }

    /** A class that breaks the rule, to show the check catches it; add does not count. */
    @SuppressWarnings("unused")
    private static final class Offender {
        static NDArray offend(NDArray x) {
            return x.mul(2f).add(1).maximum(0.5);
        }
    }

    private static Path codeSource(Class<?> anchor) throws URISyntaxException {
        return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Checks every class in a directory or jar; returns how many. */
    private static int scan(Path source, List<String> calls) throws IOException {
        int count = 0;
        if (Files.isDirectory(source)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path file : files) {
                if (!isScalars(source.relativize(file).toString())) {
                    try (InputStream in = Files.newInputStream(file)) {
                        check(in, calls);
                    }
                    count++;
                }
            }
            return count;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class") && !isScalars(entry.getName())) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        check(in, calls);
                    }
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean isScalars(String path) {
        return path.replace('\\', '/').equals("org/lipreg/normalization/Scalars.class");
    }

    private static void check(InputStream classFile, List<String> calls) throws IOException {
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
                        if (owner.startsWith("ai/djl/") && SAVED_BY_AUTOGRAD.contains(name)
                                && d.contains("Ljava/lang/Number;")) {
                            calls.add(className.replace('/', '.') + "." + method + " line " + line + ": " + name
                                    + "(Number)");
                        }
                    }
                };
            }
        }, 0);
    }
}
