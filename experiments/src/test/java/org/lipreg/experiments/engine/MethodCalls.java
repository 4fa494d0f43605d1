package org.lipreg.experiments.engine;

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
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every method call in compiled classes, read from their bytecode, for the tests that hold a rule
 * over all the code (which calls no module may make), whatever the source's spelling.
 */
final class MethodCalls {

    /**
     * One call.
     *
     * @param caller the calling class, dotted
     * @param method the calling method
     * @param line its source line
     * @param owner the called method's class, slashed ({@code ai/djl/ndarray/NDArray})
     * @param name the called method
     * @param descriptor the called method's JVM descriptor
     */
    record Call(String caller, String method, int line, String owner, String name, String descriptor) {
        @Override
        public String toString() {
            return caller + "." + method + " line " + line + ": " + owner.replace('/', '.') + "." + name;
        }
    }

    private MethodCalls() {}

    /**
     * Reads the classes of the directory or jar each anchor class was loaded from.
     *
     * @param skip class-file paths (relative, slashed) to leave out
     * @param anchors one class per code source
     * @return the calls; each code source must hold more than 10 classes (else the scan missed it)
     */
    static List<Call> inCodeSourcesOf(Predicate<String> skip, List<Class<?>> anchors)
            throws IOException, URISyntaxException {
        List<Call> calls = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            int classes = scan(source, skip, calls);
            if (classes <= 10) {
                throw new AssertionError("found only " + classes + " classes beside " + anchor.getName());
            }
        }
        return calls;
    }

    /**
     * Reads one class.
     *
     * @param classFile its bytes
     * @return its calls
     */
    static List<Call> in(InputStream classFile) throws IOException {
        List<Call> calls = new ArrayList<>();
        read(classFile, calls);
        return calls;
    }

    /** Reads every class in a directory or jar; returns how many. */
    private static int scan(Path source, Predicate<String> skip, List<Call> calls) throws IOException {
        int count = 0;
        if (Files.isDirectory(source)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path file : files) {
                if (!skip.test(source.relativize(file).toString().replace('\\', '/'))) {
                    try (InputStream in = Files.newInputStream(file)) {
                        read(in, calls);
                    }
                    count++;
                }
            }
            return count;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class") && !skip.test(entry.getName())) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        read(in, calls);
                    }
                    count++;
                }
            }
        }
        return count;
    }

    private static void read(InputStream classFile, List<Call> calls) throws IOException {
        ClassReader reader = new ClassReader(classFile);
        String caller = reader.getClassName().replace('/', '.');
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
                        calls.add(new Call(caller, method, line, owner, name, d));
                    }
                };
            }
        }, 0);
    }
}
