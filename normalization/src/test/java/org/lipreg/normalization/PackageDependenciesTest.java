package org.lipreg.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packages of this module depend on each other only as their {@code package-info.java}
 * says: the engine utilities and the step hooks on nothing of lipreg, the layers on those two,
 * the transformer on PowerNorm; nothing on the transformer. Read from the sources (imports and
 * fully qualified names alike), so a new reference is caught without running anything.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/org/lipreg/normalization");

    /** Each package and the lipreg packages it may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "engine", Set.of(),
            "internal", Set.of("engine"),
            "hook", Set.of(),
            "residual", Set.of(),
            "activation", Set.of("engine", "internal"),
            "ws", Set.of("engine", "internal"),
            "groupnorm", Set.of("engine", "hook", "internal"),
            "powernorm", Set.of("engine", "hook", "internal"),
            "transformer", Set.of("engine", "hook", "internal", "powernorm"));

    private static final Pattern REFERENCE = Pattern.compile("org\\.lipreg\\.(\\w+)(?:\\.(\\w+))?");

    @Test
    void everyPackageUsesOnlyWhatItsDescriptionAllows() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            // package-info.java describes dependencies (and links to the packages that use one); it has none.
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).forEach(f -> {
                Path relative = SOURCES.relativize(f);
                String pkg = relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
                Matcher m = REFERENCE.matcher(read(f));
                while (m.find()) {
                    String target = "normalization".equals(m.group(1)) ? m.group(2) : "module " + m.group(1);
                    // The package line names the package itself; a class directly in the root package does not exist.
                    if (target != null && !target.equals(pkg) && Character.isLowerCase(target.charAt(0))) {
                        used.computeIfAbsent(pkg, k -> new TreeSet<>()).add(target);
                    }
                }
            });
        }
        assertEquals(Set.of(), used.getOrDefault("", Set.of()), "no classes in the root package");
        for (Map.Entry<String, Set<String>> e : used.entrySet()) {
            assertTrue(ALLOWED.containsKey(e.getKey()), "package " + e.getKey() + " is not described here");
            Set<String> extra = new TreeSet<>(e.getValue());
            extra.removeAll(ALLOWED.get(e.getKey()));
            assertEquals(Set.of(), extra, "package " + e.getKey() + " uses what its package-info does not allow");
        }
        assertEquals(ALLOWED.keySet(), new TreeSet<>(packagesOnDisk()), "every package is described here");
    }

    @Test
    void everyPackageSaysWhatLivesThere() throws IOException {
        for (String pkg : packagesOnDisk()) {
            assertTrue(Files.exists(SOURCES.resolve(pkg).resolve("package-info.java")), pkg + " has no package-info.java");
        }
    }

    private static Set<String> packagesOnDisk() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
