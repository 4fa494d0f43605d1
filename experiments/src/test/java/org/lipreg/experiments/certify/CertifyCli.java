package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.lipreg.experiments.cli.LipregCli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Certify commands run in the test's JVM, and their CSVs compared without the times. */
public final class CertifyCli {

    private CertifyCli() {}

    /**
     * Runs {@code lipreg certify COMMAND --run RUN OPTIONS} in this JVM and requires exit 0.
     *
     * @param run the run directory
     * @param command lipschitz, smooth, ...
     * @param options the other options
     * @return what it printed
     */
    public static String run(Path run, String command, String... options) {
        List<String> args = new ArrayList<>(List.of("certify", command, "--run", run.toString()));
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        StringWriter err = new StringWriter();
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = LipregCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                    args.toArray(String[]::new));
        } finally {
            System.setOut(previous);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err + printed);
        return printed;
    }

    /**
     * @param options options
     * @param more more options
     * @return both, in order
     */
    public static String[] with(String[] options, String... more) {
        List<String> all = new ArrayList<>(List.of(options));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** A CSV's lines with the columns whose names hold "seconds" taken out. */
    public static List<String> withoutSeconds(Path csv) throws IOException {
        return withoutColumns(csv, "seconds");
    }

    /**
     * A CSV's lines with the columns whose names hold any of the fragments taken out (wall times,
     * which differ between two runs that should otherwise agree).
     */
    public static List<String> withoutColumns(Path csv, String... fragments) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            assertEquals(header.length, cells.length, csv + ": " + line);
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < header.length; i++) {
                final String name = header[i];
                if (java.util.Arrays.stream(fragments).noneMatch(name::contains)) {
                    row.append(cells[i]).append(',');
                }
            }
            kept.add(row.toString());
        }
        return kept;
    }
}
