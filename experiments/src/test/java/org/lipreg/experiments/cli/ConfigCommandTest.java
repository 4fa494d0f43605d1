package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code lipreg config}: what it prints is the config a run of the same file and overrides
 * writes (compared with the config.json of a real {@code train} run), it names a bad key and
 * exits 2, and it writes nothing.
 */
class ConfigCommandTest {

    @TempDir Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return LipregCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static final String TINY = """
            name: tiny
            epochs: 1
            data: {type: synthetic, trainSize: 300, testSize: 100, batchSize: 50}
            model: {preset: mlp, hidden: [16]}
            """;

    @Test
    void printsTheConfigThatTrainWritesAsConfigJson() throws IOException {
        Path config = file("run.yaml", TINY);
        // A name that reads as a number unless quoted: the YAML must keep it a string.
        String[] overrides = {"--set", "optimizer.learningRate=0.005", "--set", "model.activation=groupsort",
            "--set", "name=\"2.0\""};

        Path runDir = dir.resolve("run");
        List<String> train = new ArrayList<>(List.of("train", "--config", config.toString(), "--out", runDir.toString()));
        train.addAll(List.of(overrides));
        assertEquals(0, run(train.toArray(String[]::new)), err.toString());
        JsonNode written = JSON.readTree(runDir.resolve("config.json").toFile());

        List<String> yaml = new ArrayList<>(List.of("config", config.toString()));
        yaml.addAll(List.of(overrides));
        assertEquals(0, run(yaml.toArray(String[]::new)), err.toString());
        JsonNode printed = YAML.readTree(out.toString());
        assertEquals(written, printed, out.toString());
        // Keys the file never mentions are filled in (the groupsort group size, the optimizer's momentum).
        assertTrue(printed.get("model").has("groupSize") && printed.get("optimizer").has("momentum"), out.toString());

        List<String> json = new ArrayList<>(yaml);
        json.addAll(List.of("--format", "json"));
        assertEquals(0, run(json.toArray(String[]::new)), err.toString());
        assertEquals(written, JSON.readTree(out.toString()), out.toString());
    }

    @Test
    void badKeyExitsTwoNamingItAndWritesNothing() throws IOException {
        Path config = file("run.yaml", TINY);
        Set<Path> before = listing();
        assertEquals(2, run("config", config.toString(), "--set", "model.depth=3"));
        assertTrue(err.toString().contains("model.depth: unknown key"), err.toString());
        assertEquals("", out.toString());

        assertEquals(2, run("config", file("bad.yaml", TINY + "optimizer: {learningRate: -1}\n").toString()));
        assertTrue(err.toString().contains("optimizer.learningRate: must be a positive number (got -1.0)"), err.toString());

        assertEquals(2, run("config", config.toString(), "--format", "toml"));
        assertEquals(2, run("config", dir.resolve("missing.yaml").toString()));
        assertTrue(err.toString().contains("missing.yaml: no such file"), err.toString());
        before.add(dir.resolve("bad.yaml"));
        assertEquals(before, listing(), "nothing written");
    }

    @Test
    void rlConfigPrintsTheRlKeysWithDefaults() throws IOException {
        Path config = file("rl.yaml", "name: pendulum\nenv: Pendulum-v1\nsteps: 3000\n");
        assertEquals(0, run("config", config.toString(), "--set", "critic.regularizer=spectral-norm"), err.toString());
        JsonNode tree = YAML.readTree(out.toString());
        assertEquals(Set.of("name", "seed", "env", "agent", "steps", "learningStarts", "batchSize", "updatesPerStep",
                "learningRate", "gamma", "tau", "hidden", "evalInterval", "evalEpisodes", "critic", "model", "rollout"),
                keys(tree));
        assertEquals(3000, tree.get("steps").asInt());
        assertEquals("sac", tree.get("agent").asText());
        assertEquals("spectral-norm", tree.get("critic").get("regularizer").asText());
        assertEquals(0.99, tree.get("gamma").asDouble());

        // An RL value that fails validation is named as `lipreg rl` names it.
        assertEquals(2, run("config", config.toString(), "--set", "gamma=1.5"));
        assertTrue(err.toString().contains("gamma: must be in [0, 1) (got 1.5)"), err.toString());
    }

    @Test
    void sweepConfigPrintsEveryRunAsASingleRunWouldBePrinted() throws IOException {
        Path base = file("base.yaml", TINY);
        Path sweep = file("sweep.yaml", """
                name: lrs
                baseConfig: base.yaml
                grid:
                  optimizer.learningRate: [0.001, 0.01]
                """);
        assertEquals(0, run("config", sweep.toString()), err.toString());
        JsonNode printed = YAML.readTree(out.toString());
        assertEquals("lrs", printed.get("sweep").asText());
        assertEquals("train", printed.get("kind").asText());
        JsonNode runs = printed.get("runs");
        assertEquals(2, runs.size(), out.toString());
        String[] rates = {"0.001", "0.01"};
        for (int i = 0; i < rates.length; i++) {
            JsonNode r = runs.get(i);
            assertEquals("learningRate-" + rates[i], r.get("name").asText());
            assertEquals(rates[i], r.get("axes").get("optimizer.learningRate").asText());
            // The same as the base file with the axis value set.
            assertEquals(0, run("config", base.toString(), "--set", "optimizer.learningRate=" + rates[i]), err.toString());
            assertEquals(YAML.readTree(out.toString()), r.get("config"));
        }
        assertEquals(2, run("config", file("bad-sweep.yaml", "name: s\nbase: {epochs: 0}\n").toString()));
        assertTrue(err.toString().contains("base.epochs: must be at least 1 (got 0)"), err.toString());
    }

    @Test
    void referencePrintsTheCommittedConfigurationPage() throws IOException {
        assertEquals(0, run("config", "--reference"), err.toString());
        assertEquals(Files.readString(Path.of("..", "docs", "configuration.md")), out.toString());
        assertTrue(out.toString().contains(
                "| `model.activation` | choice | `relu` | `relu`, `maxmin`, `groupsort`, `householder` |"),
                out.toString());
        assertEquals(2, run("config"));
        assertTrue(err.toString().contains("give a CONFIG, or --reference"), err.toString());
        assertEquals(2, run("config", "--reference", file("run.yaml", TINY).toString()));
    }

    private Set<Path> listing() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return new TreeSet<>(files.toList());
        }
    }

    private static Set<String> keys(JsonNode tree) {
        Set<String> names = new TreeSet<>();
        ((ObjectNode) tree).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
