package org.lipreg.certify.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java example of README.md and docs/java-api.md is {@link CertifyExample}, word for word
 * from its first import on, so it compiles with the build; and it runs: the MLP learns the two
 * clusters, the attained lower bound is at most the CROWN bound, and the smoothed classifier
 * certifies the point (0.3, 0.3) as class 0, the class of the cluster it was drawn around.
 */
class CertifyExampleTest {

    /** The repository root: tests run in the module folder. */
    private static final Path REPOSITORY = Path.of("..");
    private static final Path SOURCE = Path.of("src/test/java/org/lipreg/certify/example/CertifyExample.java");

    @TempDir Path dir;

    @Test
    void theReadmeAndTheJavaApiPageShowThisClass() throws IOException {
        String source = Files.readString(SOURCE);
        String example = source.substring(source.indexOf("import "));
        for (Path page : new Path[] {REPOSITORY.resolve("README.md"), REPOSITORY.resolve("docs/java-api.md")}) {
            assertTrue(Files.readString(page).contains("```java\n" + example + "```\n"),
                    page + " does not show " + SOURCE + " from its first import on; copy it there");
        }
    }

    @Test
    void theExampleTrainsCertifiesAndSmooths() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        Locale locale = Locale.getDefault();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Locale.setDefault(Locale.ROOT); // the example prints in the default locale; read it back with dots
        try {
            CertifyExample.main(new String[] {dir.resolve("run").toString()});
        } finally {
            System.setOut(out);
            Locale.setDefault(locale);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        out.print(printed);
        assertTrue(number(printed, "test accuracy (\\S+)") >= 0.95, printed);
        Matcher bounds = Pattern.compile("local Lipschitz constant in \\[(\\S+), (\\S+)\\]").matcher(printed);
        assertTrue(bounds.find(), printed);
        double lower = Double.parseDouble(bounds.group(1));
        double upper = Double.parseDouble(bounds.group(2));
        assertTrue(lower > 0 && lower <= upper && Double.isFinite(upper), printed);
        assertEquals(0, (int) number(printed, "cohen: class (-?\\d+)"), printed);
        assertTrue(number(printed, "certified ℓ2 radius (\\S+)") > 0, printed);
        assertTrue(Files.isRegularFile(dir.resolve("run/metrics.csv")), "the run directory holds the run");
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no '" + regex + "' in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
