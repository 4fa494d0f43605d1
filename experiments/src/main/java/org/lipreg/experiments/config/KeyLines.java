package org.lipreg.experiments.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each key of a config came from: the line of the file that wrote it, or the {@code --set}
 * that overrode it, so that a problem can name it ({@code (run.yaml, line 7)}). Key paths are
 * written as problems write them: {@code model.layers[0].channels}.
 */
final class KeyLines {

    private final String file;
    private final Map<String, Integer> lines;
    private final List<String> overrides;

    private KeyLines(String file, Map<String, Integer> lines, List<String> overrides) {
        this.file = file;
        this.lines = lines;
        this.overrides = overrides;
    }

    /**
     * Reads the lines of a config file's keys (none when the file cannot be read: its own error
     * is reported elsewhere).
     *
     * @param file the config file, or null for none
     * @param overrides the {@code key.path=value} assignments, applied after the file
     * @return the sources
     */
    static KeyLines of(Path file, List<String> overrides) {
        Map<String, Integer> lines = new HashMap<>();
        if (file != null) {
            boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
            JsonFactory factory = json ? new ObjectMapper().getFactory() : new YAMLFactory();
            try (JsonParser parser = factory.createParser(Files.readString(file))) {
                walk(parser, lines);
            } catch (IOException e) {
                // Unreadable: the read that parses the values reports it.
            }
        }
        return new KeyLines(file == null ? null : file.toString(), lines, overrides);
    }

    private static void walk(JsonParser parser, Map<String, Integer> lines) throws IOException {
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indices = new ArrayDeque<>();
        String key = null;
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
            if (token == JsonToken.FIELD_NAME) {
                key = parser.currentName();
                String path = paths.isEmpty() || paths.peek().isEmpty() ? key : paths.peek() + "." + key;
                lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
                continue;
            }
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                paths.pop();
                indices.pop();
                continue;
            }
            String path = "";
            if (!paths.isEmpty()) {
                int[] index = indices.peek();
                if (index.length == 1) {
                    path = paths.peek() + "[" + (++index[0]) + "]";
                    lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
                } else {
                    path = paths.peek().isEmpty() ? key : paths.peek() + "." + key;
                }
            }
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                paths.push(path);
                // A list counts its elements; a mapping has no count.
                indices.push(token == JsonToken.START_ARRAY ? new int[] {-1} : new int[0]);
            }
        }
    }

    /**
     * Names where the value of a key path came from: the last {@code --set} that wrote it (or a
     * mapping above it), else the file's line of the key or of the nearest mapping above it.
     *
     * @param path a key path as a problem names it
     * @return e.g. {@code run.yaml, line 7} or {@code --set model.norm=foo}; null when unknown
     */
    String sourceOf(String path) {
        for (int i = overrides.size() - 1; i >= 0; i--) {
            String assignment = overrides.get(i);
            int eq = assignment.indexOf('=');
            if (eq > 0) {
                String set = assignment.substring(0, eq).trim().replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
                if (path.equals(set) || path.startsWith(set + ".") || path.startsWith(set + "[") || set.startsWith(path + ".")) {
                    return "--set " + assignment;
                }
            }
        }
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            Integer line = lines.get(p);
            if (line != null) {
                return file + ", line " + line;
            }
        }
        return null;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
