package org.lipreg.experiments.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the relative links of Markdown files inside one repository: every target must be a file
 * or folder inside the repository, and an anchor ({@code page.md#section}) must name a heading of
 * its page (GitHub's heading ids). Links with a scheme ({@code https:}, {@code mailto:}) are not
 * followed. Text in fenced code blocks and in inline code is not Markdown, so it is skipped.
 */
final class MarkdownLinks {

    // [text](target) and ![alt](target); the target ends at the first space or ')'.
    private static final Pattern INLINE = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    // [label]: target, on a line of its own
    private static final Pattern DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?.*$");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private final Path root;
    private final Map<Path, Set<String>> anchorsByPage = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** One problem per broken link, as {@code file:line: target: why}; empty when every link resolves. */
    List<String> problems(Path markdown) throws IOException {
        Path file = markdown.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            for (String target : targets(line)) {
                String why = check(file, target);
                if (why != null) {
                    problems.add(root.relativize(file) + ":" + (i + 1) + ": " + target + ": " + why);
                }
            }
        }
        return problems;
    }

    private static List<String> targets(String line) {
        List<String> targets = new ArrayList<>();
        Matcher definition = DEFINITION.matcher(line);
        if (definition.matches()) {
            targets.add(definition.group(1));
            return targets;
        }
        Matcher inline = INLINE.matcher(INLINE_CODE.matcher(line).replaceAll(""));
        while (inline.find()) {
            targets.add(inline.group(1));
        }
        return targets;
    }

    /** Why {@code target}, written in {@code file}, does not resolve; null when it does. */
    private String check(Path file, String target) throws IOException {
        if (SCHEME.matcher(target).matches()) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        if (pathPart.startsWith("/")) {
            return "an absolute path (links must be relative to the page)";
        }
        Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
        if (!resolved.startsWith(root)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
            return "no heading with id '" + anchor + "' in " + root.relativize(resolved);
        }
        return null;
    }

    private Set<String> anchors(Path page) throws IOException {
        Set<String> cached = anchorsByPage.get(page);
        if (cached != null) {
            return cached;
        }
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!fenced && heading.matches()) {
                String id = slug(heading.group(1));
                int count = seen.merge(id, 1, Integer::sum);
                anchors.add(count == 1 ? id : id + "-" + (count - 1));
            }
        }
        anchorsByPage.put(page, anchors);
        return anchors;
    }

    /** GitHub's heading id: lower case, punctuation dropped (letters, digits, '-' and '_' stay), spaces to '-'. */
    static String slug(String heading) {
        String text = heading.replace("`", "").toLowerCase(Locale.ROOT);
        StringBuilder id = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                id.appendCodePoint(c);
            } else if (c == ' ') {
                id.append('-');
            }
        });
        return id.toString();
    }
}
