package org.lipreg.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.ConfigReference;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.rl.RlConfigs;
import org.lipreg.experiments.sweep.RunKind;
import org.lipreg.experiments.sweep.SweepPlan;
import org.lipreg.experiments.sweep.SweepRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lipreg config}: prints a config resolved as a run would resolve it, every default
 * filled in, and writes nothing. A training config prints what {@code lipreg train} writes as
 * config.json, an RL config (one that sets {@code agent} or {@code env}) what {@code lipreg rl}
 * writes, and a sweep every run of its plan with its resolved config.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "Print a config with every default filled in, as 'lipreg train' (or 'lipreg rl')",
            "writes it to config.json; for a sweep, every run with its axis values and",
            "resolved config. With --reference, every key of a run config with its type,",
            "default, allowed values and meaning (Markdown). Writes nothing."
        },
        footer = {
            "",
            "Exit codes: 0 printed, 2 bad config (the same errors as train, rl and sweep).",
            "Example: lipreg config experiments/configs/mnist-cnn.yaml --set model.norm=bcn",
            "         lipreg config --reference"
        })
final class ConfigCommand implements Callable<Integer> {

    /** Output formats: YAML (the configs' own) or JSON (config.json's). */
    enum Format { yaml, json }

    /**
     * YAML without the leading {@code ---} and without quotes where YAML needs none; a string
     * that reads as a number ({@code name: "2.0"}) keeps its quotes, so the output reads back as
     * the same config.
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Run, RL or sweep config (JSON or YAML).")
    Path config;

    @Option(names = "--reference",
            description = "Print every key of a run config (type, default, allowed values, meaning) as Markdown: docs/configuration.md.")
    boolean reference;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, as train and rl take it (for a sweep: a key of the sweep file, e.g. base.epochs=1).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml (default) or json.")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (reference == (config != null)) {
            spec.commandLine().getErr().println("lipreg config: "
                    + (reference ? "--reference takes no CONFIG" : "give a CONFIG, or --reference"));
            return ExitCodes.BAD_INPUT;
        }
        if (reference) {
            out.print(ConfigReference.markdown());
            out.flush();
            return ExitCodes.OK;
        }
        JsonNode resolved = resolve();
        ObjectMapper mapper = format == Format.json ? ConfigLoader.json() : YAML;
        String text = mapper.writeValueAsString(resolved);
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
        return ExitCodes.OK;
    }

    /** The config as its run (or, for a sweep, its runs) would see it; the same loaders as train, rl and sweep. */
    private JsonNode resolve() throws ConfigException {
        ObjectNode tree = ConfigLoader.readTree(config);
        if (SweepPlan.isSweep(tree)) {
            return sweep(SweepPlan.load(config, overrides));
        }
        for (String assignment : overrides) {
            ConfigLoader.applyOverride(tree, assignment);
        }
        return RunKind.ofRun(tree) == RunKind.RL
                ? ConfigLoader.toTree(RlConfigs.load(config, overrides))
                : ConfigLoader.toTree(RunConfigs.load(config, overrides));
    }

    /** A sweep: its name, kind and each run's name, variant, axis values and resolved config. */
    private static ObjectNode sweep(SweepPlan plan) {
        ObjectNode root = ConfigLoader.json().createObjectNode();
        root.put("sweep", plan.config().name);
        root.put("kind", plan.kind().id());
        ArrayNode runs = root.putArray("runs");
        for (SweepRun run : plan.runs()) {
            ObjectNode r = run.describeInto(runs.addObject());
            r.set("config", run.config());
        }
        return root;
    }
}
