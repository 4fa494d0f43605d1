package org.lipreg.experiments.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Default run directory names: {@code runs/<name>-<yyyyMMdd-HHmmss>}. */
final class RunDirectories {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunDirectories() {}

    static Path fresh(String name) {
        String stem = name + "-" + LocalDateTime.now().format(STAMP);
        Path dir = Path.of("runs", stem);
        for (int i = 2; Files.exists(dir); i++) {
            dir = Path.of("runs", stem + "-" + i);
        }
        return dir;
    }
}
