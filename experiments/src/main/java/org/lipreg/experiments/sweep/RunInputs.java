package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;

import org.lipreg.experiments.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before a sweep starts its first run, that the files each run will read are there: the
 * {@code data.path} of an {@code idx} or {@code text} run is a directory, of a {@code csv} run a
 * file, and a {@code text} run's {@code data.trainFile} and {@code data.testFile} are files. Without
 * this a missing file is found only when its run starts, maybe hours into the sweep.
 *
 * <p>Only presence is checked here, not contents: each run reads and checks its files itself,
 * and reading every run's data twice would cost the parent as much as the runs. RL runs read no
 * files.
 */
final class RunInputs {

    private RunInputs() {}

    /**
     * Checks the runs' files.
     *
     * @param runs the runs about to start
     * @param baseDir the directory the runs resolve relative paths against (their working directory)
     * @throws ConfigException naming, per problem, the variant, its runs, the key and the path
     */
    static void check(List<SweepRun> runs, Path baseDir) throws ConfigException {
        // One line per variant and problem, listing its runs: a missing base path is one line, not 24.
        Map<String, List<String>> runsByProblem = new LinkedHashMap<>();
        for (SweepRun run : runs) {
            for (String problem : problems(run.config().path("data"), baseDir)) {
                String where = run.variant() == null ? "" : "variant " + run.variant() + " ";
                runsByProblem.computeIfAbsent(where + "\0" + problem, k -> new ArrayList<>()).add(run.name());
            }
        }
        if (runsByProblem.isEmpty()) {
            return;
        }
        List<String> messages = new ArrayList<>();
        runsByProblem.forEach((key, names) -> {
            String[] parts = key.split("\0", 2);
            String runList = (names.size() == 1 ? "run " : "runs ") + shortList(names);
            messages.add(parts[0].isEmpty() ? runList + ": " + parts[1] : parts[0] + "(" + runList + "): " + parts[1]);
        });
        throw new ConfigException(messages);
    }

    /** What is missing among the files one run's {@code data} config names. */
    private static List<String> problems(JsonNode data, Path baseDir) {
        List<String> problems = new ArrayList<>();
        String type = data.path("type").asText();
        String path = data.path("path").asText(null);
        if (path == null) {
            return problems;
        }
        switch (type) {
            case "idx" -> expect(problems, "data.path", baseDir, Path.of(path), true, "a directory of IDX files");
            case "csv" -> expect(problems, "data.path", baseDir, Path.of(path), false, "a numeric table");
            case "text" -> {
                Path dir = Path.of(path);
                if (expect(problems, "data.path", baseDir, dir, true, "the directory of data.trainFile and data.testFile")) {
                    for (String key : List.of("trainFile", "testFile")) {
                        String file = data.path(key).asText(null);
                        if (file != null) {
                            expect(problems, "data." + key, baseDir, dir.resolve(file), false, "a text file");
                        }
                    }
                }
            }
            default -> {
                // synthetic data is generated; DJL datasets are downloaded on first use.
            }
        }
        return problems;
    }

    /** Adds a problem unless {@code path} (resolved as the run resolves it) is a readable directory or file. */
    private static boolean expect(List<String> problems, String key, Path baseDir, Path path, boolean directory,
            String what) {
        Path resolved = baseDir.resolve(path);
        String problem;
        if (!Files.exists(resolved)) {
            problem = "does not exist";
        } else if (directory && !Files.isDirectory(resolved)) {
            problem = "is not a directory";
        } else if (!directory && !Files.isRegularFile(resolved)) {
            problem = "is not a file";
        } else if (!Files.isReadable(resolved)) {
            problem = "cannot be read";
        } else {
            return true;
        }
        String lookedFor = path.isAbsolute() ? "" : "looked for " + resolved.toAbsolutePath() + "; ";
        problems.add(key + ": " + path + " " + problem + " (" + lookedFor + "it must be " + what + ")");
        return false;
    }

    private static String shortList(List<String> names) {
        int shown = 3;
        if (names.size() <= shown + 1) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, shown)) + " and " + (names.size() - shown) + " more";
    }
}
