package org.lipreg.experiments.certify;

import org.lipreg.experiments.run.RunExecutor;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a finished run's model is made of (its config.json and the files of model/), read into
 * memory, so that it can be shipped to machines that do not see the run directory (Spark
 * executors, through one broadcast) and written out there as a run directory again.
 */
public final class RunFiles implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Path relative to the run directory ('/'-separated) → contents. */
    private final Map<String, byte[]> files;

    private RunFiles(Map<String, byte[]> files) {
        this.files = files;
    }

    /**
     * Reads a run's config.json and model/ (the run must be finished: {@code TrainedRun.open}).
     *
     * @param runDir the run directory
     * @return the files
     * @throws IOException if one cannot be read
     */
    public static RunFiles read(Path runDir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(RunExecutor.CONFIG_FILE, Files.readAllBytes(runDir.resolve(RunExecutor.CONFIG_FILE)));
        Path model = runDir.resolve(RunExecutor.MODEL_DIR);
        List<Path> inModel;
        try (Stream<Path> walk = Files.walk(model)) {
            inModel = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : inModel) {
            files.put(RunExecutor.MODEL_DIR + "/" + model.relativize(file).toString().replace('\\', '/'),
                    Files.readAllBytes(file));
        }
        return new RunFiles(files);
    }

    /** @return the total size in bytes */
    public long bytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    /**
     * Writes the files into a directory, which then opens as the run (without its logs, metrics
     * or data).
     *
     * @param dir an empty directory
     * @throws IOException if writing fails
     */
    public void writeTo(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
    }
}
