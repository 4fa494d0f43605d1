package org.lipreg.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/** docs/configuration.md is what the registry generates, so it cannot drift from the code. */
class ConfigReferenceTest {

    @Test
    void committedReferenceIsTheGeneratedOne() throws Exception {
        String committed = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertEquals(ConfigReference.markdown(), committed,
                "docs/configuration.md is stale: run ./lipreg config --reference > docs/configuration.md");
    }
}
