package org.lipreg.experiments.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every relative link of README.md and docs/*.md leads to a file of the repository (and to a
 * heading of it when it names one), so the documentation can be read from a clone alone.
 */
class DocsLinksTest {

    /** The repository root: tests run in the module folder. */
    private static final Path REPOSITORY = Path.of("..");

    @TempDir Path dir;

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsResolvesInsideTheRepository() throws IOException {
        MarkdownLinks links = new MarkdownLinks(REPOSITORY);
        List<Path> pages = new ArrayList<>();
        pages.add(REPOSITORY.resolve("README.md"));
        try (Stream<Path> docs = Files.list(REPOSITORY.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.size() > 1, "docs/ holds the manual's pages");
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            problems.addAll(links.problems(page));
        }
        assertEquals(List.of(), problems, "broken links");
    }

    @Test
    void aMissingFileAnAnchorWithoutItsHeadingAndALinkOutOfTheRepositoryAreEachReported() throws IOException {
        Path repository = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repository.resolve("docs"));
        Files.writeString(repository.resolve("docs/page.md"), "# A page\n\n## Exit codes\n\n## Exit codes\n");
        Files.writeString(dir.resolve("outside.md"), "# outside\n");
        Files.writeString(repository.resolve("README.md"), String.join("\n",
                "[fine](docs/page.md) [fine too](docs/page.md#exit-codes) [second one](docs/page.md#exit-codes-1)",
                "[web](https://djl.ai) [folder](docs/) [self](#readme)",
                "`[not a link](nowhere.md)`",
                "```",
                "[inside a code block](nowhere.md)",
                "```",
                "[missing](docs/missing.md)",
                "[bad anchor](docs/page.md#resume)",
                "[out](../outside.md)",
                "[definition]: docs/gone.md",
                "# Readme",
                ""));
        List<String> problems = new MarkdownLinks(repository).problems(repository.resolve("README.md"));
        assertEquals(List.of(
                "README.md:7: docs/missing.md: no such file",
                "README.md:8: docs/page.md#resume: no heading with id 'resume' in docs/page.md",
                "README.md:9: ../outside.md: leaves the repository",
                "README.md:10: docs/gone.md: no such file"), problems);
    }

    @Test
    void headingIdsFollowGitHub() {
        assertEquals("sweeps-of-rl-runs", MarkdownLinks.slug("Sweeps of RL runs"));
        assertEquals("transformer-language-model-text-data", MarkdownLinks.slug("Transformer language model (text data)"));
        assertEquals("certify-lipschitz", MarkdownLinks.slug("`certify lipschitz`"));
        assertEquals("using-lipreg-from-java", MarkdownLinks.slug("Using lipreg from Java"));
    }
}
