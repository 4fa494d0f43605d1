package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An option that several commands share means the same everywhere: every command that takes
 * --seed, --overwrite or --set (config's --set, which also takes sweep keys, aside) shows the
 * same description, label and default in its help.
 */
class SharedOptionsTest {

    private static final List<String> SHARED = List.of("--seed", "--overwrite", "--set", "--resume");

    /** Commands whose option of that name is deliberately their own. */
    private static final Map<String, Set<String>> OWN = Map.of("--set", Set.of("lipreg config"));

    @Test
    void aSharedOptionReadsTheSameInEveryCommand() {
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        for (CommandSpec command : commands(new CommandLine(new LipregCli()).getCommandSpec())) {
            for (String name : SHARED) {
                OptionSpec option = command.findOption(name);
                if (option != null && !OWN.getOrDefault(name, Set.of()).contains(command.qualifiedName())) {
                    String help = String.join(" ", option.description()) + " | label " + option.paramLabel()
                            + " | default " + option.defaultValue() + " | required " + option.required();
                    seen.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(command.qualifiedName(), help);
                }
            }
        }
        for (String name : SHARED) {
            Map<String, String> byCommand = seen.getOrDefault(name, Map.of());
            assertTrue(byCommand.size() >= 2, name + " is shared by at least two commands: " + byCommand.keySet());
            assertEquals(1, Set.copyOf(byCommand.values()).size(), name + " differs between commands: " + byCommand);
        }
    }

    private static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.subcommands().values()) {
            all.addAll(commands(sub.getCommandSpec()));
        }
        return all;
    }
}
